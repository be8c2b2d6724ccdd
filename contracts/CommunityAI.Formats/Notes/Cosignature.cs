using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CommunityAI.Formats.Notes;

/// <summary>
/// C2SP <c>tlog-cosignature</c>, cosignature/v1: a witness's Ed25519 signature over
/// <c>"cosignature/v1\ntime &lt;unix seconds&gt;\n"</c> followed by the checkpoint body, carried in a note signature
/// line as timestamp (8 bytes, big-endian) ‖ signature, under a key of type 0x04.
/// </summary>
public static class Cosignature
{
    /// <summary>The bytes a cosignature signs.</summary>
    public static byte[] SignedMessage(string checkpointBody, ulong timestamp) =>
        Encoding.UTF8.GetBytes($"cosignature/v1\ntime {timestamp.ToString(CultureInfo.InvariantCulture)}\n{checkpointBody}");

    /// <summary>The time a cosignature line claims, or null when it is not a cosignature's shape.</summary>
    public static ulong? Timestamp(NoteSignature signature) =>
        signature.Signature.Length == 8 + Ed25519.SignatureSize
            ? BinaryPrimitives.ReadUInt64BigEndian(signature.Signature)
            : null;

    /// <summary>Whether <paramref name="signature"/> is a valid cosignature/v1 by <paramref name="witness"/> of <paramref name="checkpointBody"/>.</summary>
    public static bool Verify(NoteKey witness, string checkpointBody, NoteSignature signature)
    {
        if (witness.Type != NoteKey.CosignatureType || !signature.IsBy(witness) || Timestamp(signature) is not { } time)
            return false;
        return Ed25519.Verify(witness.PublicKey, SignedMessage(checkpointBody, time), signature.Signature.AsSpan(8));
    }
}
