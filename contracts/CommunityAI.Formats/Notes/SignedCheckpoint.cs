namespace CommunityAI.Formats.Notes;

/// <summary>
/// Opens a signed checkpoint as a client does: the note must parse, carry a valid signature by the log's key, name the
/// log's origin, and carry valid cosignatures from at least <c>required</c> of the known witnesses. Signatures by
/// unknown keys are ignored, as signed-note says.
/// </summary>
public static class SignedCheckpoint
{
    /// <summary>The result of opening a signed checkpoint.</summary>
    /// <param name="Checkpoint">The checkpoint, when the log's signature verified (even if too few witnesses cosigned).</param>
    /// <param name="Note">The parsed note.</param>
    /// <param name="Witnesses">The known witnesses whose cosignatures verified.</param>
    /// <param name="Error">Null when everything required verified; else what failed.</param>
    public sealed record Opened(Checkpoint? Checkpoint, SignedNote? Note, IReadOnlyList<NoteKey> Witnesses, string? Error)
    {
        /// <summary>True when the log's signature and enough cosignatures verified.</summary>
        public bool IsValid => Error is null;
    }

    /// <summary>Opens and verifies <paramref name="bytes"/>.</summary>
    public static Opened Open(ReadOnlySpan<byte> bytes, NoteKey logKey, IReadOnlyList<NoteKey>? witnesses = null, int required = 0)
    {
        witnesses ??= [];
        if (!SignedNote.TryParse(bytes, out var note, out var error))
            return new Opened(null, null, [], $"malformed checkpoint note: {error}");
        if (!note.IsSignedBy(logKey))
            return new Opened(null, note, [], $"the checkpoint carries no valid signature by {logKey.Name}+{logKey.KeyHash:x8}");
        if (!Checkpoint.TryParse(note.Text, out var checkpoint, out error))
            return new Opened(null, note, [], $"malformed checkpoint: {error}");
        if (checkpoint.Origin != logKey.Name)
            return new Opened(null, note, [], $"the checkpoint's origin \"{checkpoint.Origin}\" is not the log key's name \"{logKey.Name}\"");
        var cosigned = witnesses
            .Where(w => note.Signatures.Any(s => Cosignature.Verify(w, note.Text, s)))
            .DistinctBy(w => (w.Name, w.KeyHash))
            .ToList();
        return cosigned.Count >= required
            ? new Opened(checkpoint, note, cosigned, null)
            : new Opened(checkpoint, note, cosigned,
                $"the checkpoint of size {checkpoint.TreeSize} has valid cosignatures from {cosigned.Count} of the {required} witnesses required");
    }
}
