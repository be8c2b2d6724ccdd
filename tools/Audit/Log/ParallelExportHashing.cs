using CommunityAI.Audit.History;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Log;

/// <summary>
/// Feeds an export into a <see cref="LogRecomputer"/> using every core: lines are gathered in batches of aligned
/// 1,024-entry blocks; while one batch's blocks are hashed in parallel (leaves and their perfect subtree), the next
/// batch is read. Blocks are appended in order, as one subtree each where nothing inside them must be kept.
/// </summary>
/// <remarks>
/// SHA-256 through OpenSSL costs a few hundred nanoseconds per call whatever the input, and the log needs two calls
/// per entry (leaf and interior node); hashing blocks independently is what brings verification near the speed of
/// hashing the file once. (Hashing lines in place in large read buffers, without the copy, measured slower here.)
/// </remarks>
internal static class ParallelExportHashing
{
    private const int BlockLevel = 10;
    private const int Block = 1 << BlockLevel;
    private const int BlocksPerBatch = 16;
    private const int H = LogHasher.HashSize;

    /// <exception cref="FormatException">An empty line, or a last line without its newline.</exception>
    public static long Run(Stream stream, LogRecomputer tree, Action<long>? onBytes = null)
    {
        var filling = new Batch();
        var spare = new Batch();
        Task? hashing = null;
        Batch? hashed = null;

        void Complete()
        {
            if (hashing is null)
                return;
            hashing.Wait();
            hashed!.AppendTo(tree);
            (spare, hashed, hashing) = (hashed, null, null);
        }

        void Dispatch()
        {
            Complete();
            var batch = filling;
            hashing = Task.Run(batch.Hash);
            hashed = batch;
            filling = spare;
            filling.Clear();
        }

        long count = ExportFile.ForEachLine(stream, (_, line) =>
        {
            filling.Add(line);
            if (filling.Count == Block * BlocksPerBatch)
                Dispatch();
        }, onBytes);
        if (filling.Count > 0)
            Dispatch();
        Complete();
        return count;
    }

    private sealed class Batch
    {
        private readonly int[] _offsets = new int[Block * BlocksPerBatch + 1];
        private readonly byte[] _leaves = new byte[Block * BlocksPerBatch * H];
        private readonly byte[] _roots = new byte[BlocksPerBatch * H];
        private byte[] _data = new byte[Block * BlocksPerBatch * 640];

        public int Count { get; private set; }

        public void Clear() => Count = 0;

        public void Add(ReadOnlySpan<byte> line)
        {
            int start = _offsets[Count];
            int end = start + line.Length + 1;
            if (end > _data.Length)
                Array.Resize(ref _data, Math.Max(end, 2 * _data.Length));
            line.CopyTo(_data.AsSpan(start));
            _data[end - 1] = (byte)'\n';
            _offsets[++Count] = end;
        }

        public void Hash()
        {
            int blocks = (Count + Block - 1) / Block;
            Parallel.For(0, blocks, b =>
            {
                int first = b * Block, n = Math.Min(Block, Count - first);
                var leaves = _leaves.AsSpan(first * H, n * H);
                if (n == Block)
                {
                    SubtreeHasher.Hash(_data, _offsets, first, n, leaves, _roots.AsSpan(b * H, H));
                    return;
                }
                for (int i = 0; i < n; i++)
                {
                    int start = _offsets[first + i], end = _offsets[first + i + 1] - 1;
                    FastSha256.Leaf(_data.AsSpan(start, end - start), leaves.Slice(i * H, H));
                }
            });
        }

        public void AppendTo(LogRecomputer tree)
        {
            for (int first = 0, b = 0; first < Count; first += Block, b++)
            {
                int n = Math.Min(Block, Count - first);
                var leaves = _leaves.AsSpan(first * H, n * H);
                if (n == Block && tree.CanAppendSubtree(BlockLevel))
                    tree.AppendSubtree(BlockLevel, _roots.AsSpan(b * H, H), leaves);
                else
                    tree.AppendLeaves(leaves);
            }
        }
    }
}
