using System.Reflection;

namespace CommunityAI.Testing;

/// <summary>
/// The folder holding CommunityAI.sln: walking up from the test binaries, or, when they were built elsewhere
/// (--artifacts-path), the repository the build recorded.
/// </summary>
public static class RepositoryRoot
{
    private const string Solution = "CommunityAI.sln";

    /// <summary>The repository root; throws when neither the binaries' folders nor the recorded path hold the solution.</summary>
    public static string Find() =>
        TryFind() ?? throw new DirectoryNotFoundException($"No {Solution} above {AppContext.BaseDirectory}, nor where the build recorded.");

    /// <summary>The repository root, or null, for callers that skip their work without it.</summary>
    public static string? TryFind()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Solution)))
                return dir.FullName;
        }
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        return recorded is not null && File.Exists(Path.Combine(recorded, Solution)) ? Path.GetFullPath(recorded) : null;
    }
}
