using YamlDotNet.RepresentationModel;

namespace CommunityAI.Formats.Tests.Contracts;

/// <summary>contracts/asyncapi.yaml as a YAML tree, with the few look-ups the contract checks need.</summary>
public sealed class AsyncApiDocument
{
    private readonly YamlMappingNode _root;

    private AsyncApiDocument(YamlMappingNode root) => _root = root;

    /// <summary>The document copied next to the test assembly (see the project file).</summary>
    public static AsyncApiDocument Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "Contracts", "asyncapi.yaml")))
            stream.Load(reader);
        return new AsyncApiDocument((YamlMappingNode)stream.Documents[0].RootNode);
    }

    public string Version => Scalar(Map(_root, "info"), "version") ?? "";

    public IReadOnlyDictionary<string, YamlMappingNode> Messages => Entries(Map(Map(_root, "components"), "messages"));

    public IReadOnlyDictionary<string, YamlMappingNode> Schemas => Entries(Map(Map(_root, "components"), "schemas"));

    /// <summary>A message's payload schema.</summary>
    public YamlMappingNode? Payload(string message) =>
        Messages.TryGetValue(message, out var node) ? Map(node, "payload") : null;

    /// <summary>Follows <c>$ref</c> (within this document) until a schema without one.</summary>
    public YamlMappingNode Resolve(YamlMappingNode schema)
    {
        for (var hops = 0; Scalar(schema, "$ref") is { } reference; hops++)
        {
            if (hops > 8 || !reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                throw new InvalidOperationException($"cannot follow $ref {reference}");
            schema = Schemas[reference["#/components/schemas/".Length..]];
        }
        return schema;
    }

    public static YamlMappingNode? Map(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    public static YamlSequenceNode? Sequence(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlSequenceNode : null;

    public static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    /// <summary>The <c>type</c> keyword as a set: a single name or a list of names.</summary>
    public static IReadOnlySet<string> Types(YamlMappingNode node) =>
        node.Children.TryGetValue(new YamlScalarNode("type"), out var type)
            ? type switch
            {
                YamlScalarNode one => new HashSet<string> { one.Value ?? "" },
                YamlSequenceNode many => many.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToHashSet(),
                _ => new HashSet<string>(),
            }
            : new HashSet<string>();

    private static Dictionary<string, YamlMappingNode> Entries(YamlMappingNode? node) =>
        node is null
            ? []
            : node.Children.Where(c => c.Value is YamlMappingNode)
                .ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => (YamlMappingNode)c.Value, StringComparer.Ordinal);
}
