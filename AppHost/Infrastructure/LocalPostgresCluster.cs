using System.Diagnostics;

namespace CommunityAI.AppHost.Infrastructure;

/// <summary>
/// A PostgreSQL cluster in a folder of ours, created with the installed server's initdb. PostgreSQL
/// refuses to run as root, so as root every command runs as the 'postgres' system user.
/// </summary>
public sealed record LocalPostgresCluster(string Command, string[] ArgsPrefix)
{
    public static LocalPostgresCluster EnsureInitialized(string dataDir, string database)
    {
        var bin = FindServerBin();
        var asRoot = Environment.UserName == "root";
        string[] Wrap(string tool) => asRoot ? ["-u", "postgres", "--", Path.Combine(bin, tool)] : [];
        var command = asRoot ? "runuser" : Path.Combine(bin, "postgres");

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            Directory.CreateDirectory(dataDir);
            if (asRoot)
                Run("chown", ["postgres:postgres", dataDir]);
            // Trust on loopback only: a developer's throw-away cluster; Kubernetes uses real credentials.
            Run(asRoot ? "runuser" : Path.Combine(bin, "initdb"),
                [.. Wrap("initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
            Run(asRoot ? "runuser" : Path.Combine(bin, "postgres"),
                [.. Wrap("postgres"), "--single", "-D", dataDir, "postgres"], stdin: $"CREATE DATABASE {database};\n");
        }
        return new LocalPostgresCluster(command, Wrap("postgres"));
    }

    private static string FindServerBin()
    {
        var bins = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres")))
            : [];
        return bins.OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("No PostgreSQL server found under /usr/lib/postgresql: install postgresql (eng/run.sh does).");
    }

    private static void Run(string file, string[] args, string? stdin = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = stdin is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error}{output.Result}");
    }
}
