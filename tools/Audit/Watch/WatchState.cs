using System.Text.Json;
using CommunityAI.Formats;

namespace CommunityAI.Audit.Watch;

/// <summary>
/// The newest head a monitor verified (and how many anchors it has checked), kept in a small JSON file so a restarted
/// monitor still catches a log that rewrote what it saw before.
/// </summary>
internal sealed record WatchState(long TreeSize, string RootHash, int AnchorsChecked)
{
    public byte[] Root => Hex.Decode(RootHash, 32);

    public static WatchState? Load(string? path)
    {
        if (path is null || !File.Exists(path))
            return null;
        var state = JsonSerializer.Deserialize<WatchState>(File.ReadAllBytes(path), JsonSerializerOptions.Web)
            ?? throw new InvalidDataException($"{path} holds no watch state");
        if (state.TreeSize < 0 || !Hex.TryDecode(state.RootHash, out _, 32))
            throw new InvalidDataException($"{path} holds a malformed watch state");
        return state;
    }

    public void Save(string? path)
    {
        if (path is null)
            return;
        // Write then rename, so a crash never leaves half a state file.
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web));
        File.Move(temporary, path, overwrite: true);
    }
}
