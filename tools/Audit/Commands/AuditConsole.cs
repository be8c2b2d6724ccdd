using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// Where results go: indented JSON for machines (<c>--json</c>), or Spectre tables and progress bars for people.
/// Progress is drawn only on an interactive terminal, so redirected output stays clean.
/// </summary>
internal sealed class AuditConsole(bool json, TextWriter output, TextWriter error)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new BigIntegerConverter() },
    };

    public bool Json { get; } = json;

    public bool Interactive => !Json && !Console.IsOutputRedirected && !Console.IsErrorRedirected;

    public TextWriter Output { get; } = output;

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public void Line(string text)
    {
        if (!Json)
            Output.WriteLine(text);
    }

    public void Error(string text) => error.WriteLine(text);

    /// <summary>Runs <paramref name="work"/> with a progress bar when interactive; the callback adds units done.</summary>
    public async Task<T> ProgressAsync<T>(string title, long total, Func<Action<long>, Task<T>> work)
    {
        if (!Interactive || total <= 0)
            return await work(_ => { });
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                result = await work(n => task.Increment(n));
                task.Value = total;
            });
        return result;
    }

    /// <summary>A replay section's findings, each at its log index; nothing when there are none.</summary>
    public void Findings(string title, IReadOnlyList<Replay.ReplayDifference> findings)
    {
        if (findings.Count > 0)
            Table(title, ["log index", "what", "detail"],
                findings.Select(d => new[] { d.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), d.What, d.Detail }));
    }

    public void Table(string title, string[] columns, IEnumerable<string[]> rows)
    {
        if (Json)
            return;
        if (!Interactive)
        {
            Output.WriteLine(title);
            foreach (var row in rows)
                Output.WriteLine("  " + string.Join("  ", row));
            return;
        }
        var table = new Table().Title(Markup.Escape(title)).Border(TableBorder.Rounded);
        foreach (var c in columns)
            table.AddColumn(Markup.Escape(c));
        foreach (var row in rows)
            table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    private sealed class BigIntegerConverter : JsonConverter<System.Numerics.BigInteger>
    {
        // Token amounts exceed 2^53, so they travel as decimal strings, as in the events themselves.
        public override System.Numerics.BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            System.Numerics.BigInteger.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, System.Numerics.BigInteger value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
