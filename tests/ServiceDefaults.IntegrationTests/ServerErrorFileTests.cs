using Microsoft.Extensions.Logging;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The test hosts' error file, which eng/test.sh prints for a failing project: errors with their exception are kept,
/// anything quieter is not, and a file stops growing at its cap. Environment variables are process-wide, so each test sets
/// and restores its own.
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

    [Fact]
    public void A_file_past_its_cap_takes_no_more_lines_from_any_service_of_the_project()
    {
        var folder = Directory.CreateTempSubdirectory("server-errors-").FullName;
        var before = Environment.GetEnvironmentVariable(ServerErrorFile.FolderVariable);
        try
        {
            Environment.SetEnvironmentVariable(ServerErrorFile.FolderVariable, folder);
            using var looping = ServerErrorFile.For("CommunityAI.RewardLedger")!;
            using var other = ServerErrorFile.For("CommunityAI.Governance")!;
            var logger = looping.CreateLogger("Faults");
            var line = new string('x', 64 * 1024);
            for (var i = 0; i < ServerErrorFile.MaxFileBytes / line.Length + 8; i++)
                logger.LogError("{Line}", line);
            other.CreateLogger("Faults").LogError("the last error");

            var path = Assert.Single(Directory.GetFiles(folder));
            var length = new FileInfo(path).Length;
            // The line that crossed the cap is kept whole, and nothing after it, from this service or another.
            Assert.InRange(length, ServerErrorFile.MaxFileBytes + 1, ServerErrorFile.MaxFileBytes + line.Length + 200);
            Assert.DoesNotContain("the last error", File.ReadAllText(path));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServerErrorFile.FolderVariable, before);
            Directory.Delete(folder, recursive: true);
        }
    }
}
