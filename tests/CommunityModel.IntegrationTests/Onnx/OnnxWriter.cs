using System.Text;

namespace CommunityModel.IntegrationTests.Onnx;

/// <summary>
/// Writes ONNX models (the protobuf of onnx.proto, IR version 8, opset 13) without a protobuf library: the few messages
/// and fields the test models need, by their field numbers in onnx.proto. Real files: ONNX Runtime loads and runs them.
/// </summary>
public static class OnnxWriter
{
    public const int Float = 1, Long = 7, Bool = 9;

    /// <summary>A model: the graph, with the default-domain opset 13.</summary>
    public static byte[] Model(Proto graph) =>
        new Proto().Int(1, 8).Message(8, new Proto().String(1, "").Int(2, 13)).String(2, "communityai-tests").Message(7, graph).ToArray();

    public static Proto Graph(string name, IEnumerable<Proto> nodes, IEnumerable<Proto> initializers, IEnumerable<Proto> inputs, IEnumerable<Proto> outputs)
    {
        var graph = new Proto();
        foreach (var node in nodes)
            graph.Message(1, node);
        graph.String(2, name);
        foreach (var initializer in initializers)
            graph.Message(5, initializer);
        foreach (var input in inputs)
            graph.Message(11, input);
        foreach (var output in outputs)
            graph.Message(12, output);
        return graph;
    }

    public static Proto Node(string op, string[] inputs, string[] outputs, params Proto[] attributes)
    {
        var node = new Proto();
        foreach (var input in inputs)
            node.String(1, input);
        foreach (var output in outputs)
            node.String(2, output);
        node.String(3, op + "_" + string.Join("_", outputs)).String(4, op);
        foreach (var attribute in attributes)
            node.Message(5, attribute);
        return node;
    }

    public static Proto IntAttribute(string name, long value) => new Proto().String(1, name).Int(3, value).Int(20, 2);

    public static Proto GraphAttribute(string name, Proto graph) => new Proto().String(1, name).Message(6, graph).Int(20, 5);

    /// <summary>A tensor's type and shape; a null dimension is the free dimension "batch".</summary>
    public static Proto Value(string name, int elementType, params long?[] dims)
    {
        var shape = new Proto();
        foreach (var dim in dims)
            shape.Message(1, dim is { } d ? new Proto().Int(1, d) : new Proto().String(2, "batch"));
        return new Proto().String(1, name).Message(2, new Proto().Message(1, new Proto().Int(1, elementType).Message(2, shape)));
    }

    public static Proto FloatTensor(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length); // little-endian, as onnx.proto's raw_data is
        return Tensor(name, dims, Float, raw);
    }

    public static Proto Int64Tensor(string name, long[] dims, long[] values)
    {
        var raw = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return Tensor(name, dims, Long, raw);
    }

    public static Proto BoolTensor(string name, bool value) => Tensor(name, [], Bool, [value ? (byte)1 : (byte)0]);

    private static Proto Tensor(string name, long[] dims, int type, byte[] raw)
    {
        var tensor = new Proto();
        foreach (var dim in dims)
            tensor.Int(1, dim);
        return tensor.Int(2, type).String(8, name).Bytes(9, raw);
    }

    /// <summary>A protobuf message being written: varint and length-delimited fields only.</summary>
    public sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Int(int field, long value)
        {
            Varint((ulong)(field << 3));
            Varint((ulong)value);
            return this;
        }

        public Proto Bytes(int field, ReadOnlySpan<byte> value)
        {
            Varint((ulong)(field << 3 | 2));
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _bytes.ToArray();

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.WriteByte((byte)value);
        }
    }
}
