using System.Buffers;

namespace CommunityAI.Audit.History;

/// <summary>
/// An export: JSON Lines, one canonical log entry per line, line number = log index. Read in large chunks and
/// split with a vectorised newline search, because verification should run near the speed of hashing the file.
/// </summary>
internal static class ExportFile
{
    private const int ChunkSize = 1 << 20;

    public delegate void LineHandler(long index, ReadOnlySpan<byte> line);

    /// <summary>Calls <paramref name="onLine"/> for every line (without its newline); returns the number of lines.</summary>
    /// <exception cref="FormatException">An empty line, or a last line without its newline.</exception>
    public static long ForEachLine(Stream stream, LineHandler onLine, Action<long>? onBytes = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize * 2);
        try
        {
            long index = 0;
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // A line longer than the buffer: grow it rather than fail (large events are legal).
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                    break;
                onBytes?.Invoke(read);
                filled += read;
                var pending = buffer.AsSpan(0, filled);
                int start = 0;
                while (true)
                {
                    int newline = pending[start..].IndexOf((byte)'\n');
                    if (newline < 0)
                        break;
                    if (newline == 0)
                        throw new FormatException($"line {index + 1} (log index {index}) is empty");
                    onLine(index++, pending.Slice(start, newline));
                    start += newline + 1;
                }
                pending[start..].CopyTo(buffer);
                filled -= start;
            }
            if (filled > 0)
                throw new FormatException($"the last line (log index {index}) has no newline: the export is truncated");
            return index;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The entry at <paramref name="index"/>, or null past the end; used only to name an event in a report.</summary>
    public static byte[]? ReadLine(string path, long index)
    {
        byte[]? found = null;
        using var stream = File.OpenRead(path);
        try
        {
            ForEachLine(stream, (i, line) =>
            {
                if (i == index)
                {
                    found = line.ToArray();
                    throw new OperationCanceledException();
                }
            });
        }
        catch (OperationCanceledException) when (found is not null)
        {
            // Stopped early on purpose.
        }
        catch (FormatException)
        {
            // Naming an event is best effort; the verification already reported the malformed file.
        }
        return found;
    }
}
