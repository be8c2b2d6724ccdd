using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace CommunityAI.Formats.Models;

/// <summary>
/// The community model's id, computed alike by the model service and the auditors' replay: SHA-256 over its zip's
/// entries in ordinal name order, each as UTF-8 name ‖ 0x00 ‖ length (uint64 big-endian) ‖ bytes. Not the zip's own bytes: a zip records when each entry was written, so the same model saved
/// twice would get two hashes (measured: it does, about one save in three).
/// </summary>
public static class ModelHash
{
    /// <summary>The id of the model saved as <paramref name="zip"/>, 0x-prefixed lower-case hex.</summary>
    public static string Of(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var entry in archive.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(entry.FullName));
            hash.AppendData([0]);
            using var content = new MemoryStream();
            using (var stream = entry.Open())
                stream.CopyTo(content);
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)content.Length);
            hash.AppendData(length);
            hash.AppendData(content.GetBuffer().AsSpan(0, (int)content.Length));
        }
        return Hex.Encode(hash.GetHashAndReset());
    }
}
