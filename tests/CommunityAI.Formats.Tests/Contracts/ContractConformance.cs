using System.Reflection;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace CommunityAI.Formats.Tests.Contracts;

/// <summary>
/// Where a record of CommunityAI.Contracts and its schema in asyncapi.yaml disagree: members missing on either side,
/// a JSON type the serializer would not produce, null allowed for a member that is never null, or an optional member
/// (one added later, with a default) listed as required. Members are compared by their camelCase JSON names, as
/// MassTransit and the history serialise them.
/// </summary>
public static class ContractConformance
{
    private const string SchemaRef = "#/components/schemas/";
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The public records of the package: every message and every type a message holds.</summary>
    public static IReadOnlyList<Type> Records(Assembly contracts) =>
        [.. contracts.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethod("<Clone>$") is not null).OrderBy(t => t.Name)];

    /// <summary>Records that appear as (part of) another record's member type: documented as schemas, not messages.</summary>
    public static IReadOnlySet<Type> Parts(IReadOnlyList<Type> records) =>
        records.SelectMany(r => r.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .SelectMany(p => Unwrap(p.PropertyType)).Where(records.Contains).ToHashSet();

    public static IReadOnlyList<string> Disagreements(Type record, YamlMappingNode? schema, AsyncApiDocument document)
    {
        if (schema is null)
            return [$"{record.Name}: not in the document"];
        schema = document.Resolve(schema);
        var problems = new List<string>();
        var documented = AsyncApiDocument.Map(schema, "properties")?.Children
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => (YamlMappingNode)c.Value, StringComparer.Ordinal) ?? [];
        var required = AsyncApiDocument.Sequence(schema, "required")?.Children.OfType<YamlScalarNode>().Select(s => s.Value).ToHashSet() ?? [];
        var optional = record.GetConstructors().MaxBy(c => c.GetParameters().Length)?.GetParameters()
            .Where(p => p.HasDefaultValue).Select(p => p.Name).ToHashSet(StringComparer.Ordinal) ?? [];

        var members = record.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (var member in members)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(member.Name);
            if (!documented.TryGetValue(name, out var property))
            {
                problems.Add($"{record.Name}.{name}: not in the document");
                continue;
            }
            if (Compare(member.PropertyType, Nullability.Create(member), property, document) is { } problem)
                problems.Add($"{record.Name}.{name}: {problem}");
            if (optional.Contains(member.Name) && required.Contains(name))
                problems.Add($"{record.Name}.{name}: optional in the record (added later, with a default) but required in the document");
        }
        var names = members.Select(m => JsonNamingPolicy.CamelCase.ConvertName(m.Name)).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(documented.Keys.Where(k => !names.Contains(k)).Select(k => $"{record.Name}.{k}: in the document but not in the record"));
        return problems;
    }

    /// <summary>Null when the schema describes what the serializer writes for a value of <paramref name="type"/>.</summary>
    private static string? Compare(Type type, NullabilityInfo nullability, YamlMappingNode schema, AsyncApiDocument document)
    {
        var nullable = nullability.ReadState == NullabilityState.Nullable || Nullable.GetUnderlyingType(type) is not null;
        type = Nullable.GetUnderlyingType(type) ?? type;

        // oneOf: [ X, { type: 'null' } ] is how a nullable $ref is written.
        var allowsNull = false;
        if (AsyncApiDocument.Sequence(schema, "oneOf") is { } oneOf)
        {
            var branches = oneOf.Children.OfType<YamlMappingNode>().ToList();
            var nulls = branches.Where(b => AsyncApiDocument.Types(b).SetEquals(["null"])).ToList();
            if (nulls.Count != 1 || branches.Count != 2)
                return "oneOf must be one schema and { type: 'null' }";
            allowsNull = true;
            schema = branches.Except(nulls).Single();
        }

        var reference = AsyncApiDocument.Scalar(schema, "$ref");
        if (IsRecord(type))
        {
            if (reference != SchemaRef + type.Name)
                return $"expected $ref '{SchemaRef}{type.Name}', found {reference ?? "an inline schema"}";
            return NullCheck(nullable, allowsNull);
        }

        var resolved = document.Resolve(schema);
        var types = AsyncApiDocument.Types(resolved).Concat(AsyncApiDocument.Types(schema)).ToHashSet();
        allowsNull |= types.Remove("null");
        var expected = JsonType(type);
        if (expected is null)
            return $"no JSON mapping known for {type.Name}; teach ContractConformance";
        if (!types.SetEquals([expected]))
            return $"{type.Name} is written as a JSON {expected}, the document says {(types.Count == 0 ? "nothing" : string.Join("|", types))}";
        if (type == typeof(DateTimeOffset) && AsyncApiDocument.Scalar(resolved, "format") != "date-time")
            return "a DateTimeOffset needs format: date-time";

        if (expected == "array")
        {
            var items = AsyncApiDocument.Map(resolved, "items");
            if (items is null)
                return "an array needs items";
            if (Compare(ElementType(type)!, nullability.ElementType ?? nullability.GenericTypeArguments[0], items, document) is { } problem)
                return "items: " + problem;
        }
        if (expected == "object" && DictionaryValueType(type) is { } valueType)
        {
            var values = AsyncApiDocument.Map(resolved, "additionalProperties");
            if (values is null)
                return "a dictionary needs additionalProperties";
            if (Compare(valueType, nullability.GenericTypeArguments[1], values, document) is { } problem)
                return "additionalProperties: " + problem;
        }
        return NullCheck(nullable, allowsNull);
    }

    private static string? NullCheck(bool nullable, bool allowsNull) =>
        allowsNull && !nullable ? "never null in the record, but the document allows null" : null;

    private static string? JsonType(Type type) => type switch
    {
        _ when type == typeof(string) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(TimeSpan) => "string",
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) => "integer",
        _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "number",
        _ when DictionaryValueType(type) is not null => "object",
        _ when ElementType(type) is not null => "array",
        _ => null,
    };

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var d
          && (d == typeof(IReadOnlyList<>) || d == typeof(IReadOnlyCollection<>) || d == typeof(IEnumerable<>) || d == typeof(IList<>) || d == typeof(List<>))
            ? type.GetGenericArguments()[0]
            : null;

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d
        && (d == typeof(IReadOnlyDictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(Dictionary<,>))
        && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments().SelectMany(Unwrap))
                yield return argument;
        if (type.IsArray)
            foreach (var element in Unwrap(type.GetElementType()!))
                yield return element;
    }
}
