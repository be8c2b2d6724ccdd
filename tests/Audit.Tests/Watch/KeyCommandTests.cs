using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// <c>log-key</c> and <c>witness-key</c>: a log operator's checkpoint key and a witness's cosignature key, written to a
/// file only the owner can read, with the verifier key printed. A log signing with the key <c>log-key</c> made is
/// accepted by <c>watch</c> given the printed verifier key; an existing file is never overwritten.
/// </summary>
public sealed class KeyCommandTests
{
    [Fact]
    public async Task A_log_key_signs_checkpoints_watch_accepts_with_the_printed_verifier_key_and_a_witness_key_cosigns()
    {
        var (logFile, witnessFile) = (TempFile(), TempFile());
        try
        {
            var log = await AuditRun.RunAsync("log-key", "--name", "log.example.org/communityai", "--out", logFile);
            var witness = await AuditRun.RunAsync("witness-key", "--name", "witness.example.org", "--out", witnessFile);
            var again = await AuditRun.RunAsync("log-key", "--name", "log.example.org/communityai", "--out", logFile);

            Assert.True(log.ExitCode == 0, log.ToString());
            Assert.True(witness.ExitCode == 0, witness.ToString());
            var signer = NoteSigner.ParsePrivateKey((await File.ReadAllTextAsync(logFile)).Trim());
            var cosigner = NoteSigner.ParsePrivateKey((await File.ReadAllTextAsync(witnessFile)).Trim());
            Assert.Equal(NoteKey.Ed25519Type, signer.Key.Type);
            Assert.Equal(NoteKey.CosignatureType, cosigner.Key.Type);
            Assert.Equal(log.Output.Trim(), signer.Key.ToString());
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(logFile));
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("not overwriting", again.Error, StringComparison.Ordinal);

            await using var server = await LogServer.StartAsync(new ServedLog(ServedLog.Entries(10), signer));
            var watched = await AuditRun.RunAsync("watch", "--url", server.Url, "--log-key", log.Output.Trim(), "--once");
            Assert.True(watched.ExitCode == 0, watched.ToString());
        }
        finally
        {
            File.Delete(logFile);
            File.Delete(witnessFile);
        }
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"key-{Guid.NewGuid():N}.key");
}
