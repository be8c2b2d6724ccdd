using System.Diagnostics;

namespace CommunityAI.Testing;

/// <summary>Whether a Docker engine answers here; asked once per test run.</summary>
public static class ContainerRuntime
{
    private static readonly Lazy<bool> Answers = new(Probe);

    public static bool IsAvailable => Environment.GetEnvironmentVariable("COMMUNITYAI_TEST_INFRA") switch
    {
        "local" => false,
        "containers" => true,
        _ => Answers.Value,
    };

    private static bool Probe()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (docker is null || !docker.WaitForExit(TimeSpan.FromSeconds(10)))
                return false;
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
