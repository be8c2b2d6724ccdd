using Microsoft.Extensions.Logging;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The test hosts' error file, which eng/test.sh prints for a failing project: errors with their exception are kept,
/// anything quieter is not. Environment variables are process-wide, so the test sets and restores its own.
/// </summary>
public sealed class ServerErrorFileTests
{
    [Fact]
    public void A_services_errors_reach_the_file_with_their_exception_and_its_warnings_do_not()
    {
        var folder = Directory.CreateTempSubdirectory("server-errors-").FullName;
        var before = Environment.GetEnvironmentVariable(ServerErrorFile.FolderVariable);
        try
        {
            Environment.SetEnvironmentVariable(ServerErrorFile.FolderVariable, folder);
            using var sink = ServerErrorFile.For("CommunityAI.Governance")!;
            var logger = sink.CreateLogger("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware");
            logger.LogWarning("a slow query");
            logger.LogError(new InvalidOperationException("the epoch is not in the history"), "An unhandled exception has occurred");

            var text = File.ReadAllText(Assert.Single(Directory.GetFiles(folder)));
            Assert.Contains("CommunityAI.Governance Error Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware: An unhandled exception", text);
            Assert.Contains("System.InvalidOperationException: the epoch is not in the history", text);
            Assert.DoesNotContain("a slow query", text);
            // Named after this test project, so eng/test.sh finds it from the project's "Failed!" line.
            Assert.Equal("ServiceDefaults.IntegrationTests.log", Path.GetFileName(Directory.GetFiles(folder)[0]));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServerErrorFile.FolderVariable, before);
            Directory.Delete(folder, recursive: true);
        }
    }
}
