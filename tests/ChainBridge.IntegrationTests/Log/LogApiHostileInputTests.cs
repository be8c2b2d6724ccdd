using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.ChainBridge.Apis;

namespace ChainBridge.IntegrationTests.Log;

/// <summary>
/// Every malformed or hostile query on the log API, over real HTTP against the bridge on PostgreSQL, is an
/// RFC 7807 problem naming the parameter (400 for a request that can never be right, 404 for one beyond
/// the log as it is now) and changes nothing; the edges of what is valid still answer.
/// </summary>
public sealed class LogApiHostileInputTests(LoggedBridge bridge) : IClassFixture<LoggedBridge>
{
    private const string Max = "9223372036854775807";
    private const string Overflow = "99999999999999999999";

    public static TheoryData<string, int, string, string> Refused => new()
    {
        // entries
        { "entries?start=abc", 400, "start", "whole decimal number" },
        { "entries?start=-1", 400, "start", "must not be negative" },
        { $"entries?start={Overflow}", 400, "start", "too large" },
        { $"entries?start=1{Max}", 400, "start", "too large" },
        { "entries?start=1.5", 400, "start", "whole decimal number" },
        { "entries?start=1e3", 400, "start", "whole decimal number" },
        { "entries?start=0x10", 400, "start", "whole decimal number" },
        { "entries?start=%2B1", 400, "start", "whole decimal number" },
        { "entries?start=%201", 400, "start", "whole decimal number" },
        { "entries?start=", 400, "start", "is empty" },
        { "entries?start=1&start=2", 400, "start", "given 2 times" },
        { "entries?end=ten", 400, "end", "whole decimal number" },
        { "entries?start=10&end=5", 400, "end", "must not be below start" },
        { "entries?start=0&end=1001", 400, "end", "at most 1000 entries per request" },
        { $"entries?start=0&end={Max}", 400, "end", "at most 1000 entries per request" },
        { "entries?start=38", 404, "start", "beyond the log, which has 37 entries" },
        { $"entries?start={Max}&end={Max}", 404, "start", "beyond the log" },
        { "entries?start=1%3BDROP%20TABLE%20chainbridge.log_entries%3B--", 400, "start", "whole decimal number" },
        { "entries?start=1%27%20OR%20%271%27%3D%271", 400, "start", "whole decimal number" },
        { "entries?start=%00", 400, "start", "whole decimal number" },
        { "entries?start=%D9%A3", 400, "start", "whole decimal number" }, // Arabic-Indic three: a digit, but not ours
        // inclusion
        { "proof/inclusion", 400, "index", "index is required" },
        { "proof/inclusion?treeSize=5", 400, "index", "index is required" },
        { "proof/inclusion?index=-1", 400, "index", "must not be negative" },
        { "proof/inclusion?index=abc&treeSize=5", 400, "index", "whole decimal number" },
        { "proof/inclusion?index=0&treeSize=abc", 400, "treeSize", "whole decimal number" },
        { $"proof/inclusion?index=0&treeSize={Overflow}", 400, "treeSize", "too large" },
        { "proof/inclusion?index=37&treeSize=37", 400, "index", "below treeSize" },
        { "proof/inclusion?index=0&treeSize=0", 400, "index", "below treeSize" },
        { "proof/inclusion?index=0&treeSize=38", 404, "treeSize", "beyond the log, which has 37 entries" },
        { $"proof/inclusion?index=0&treeSize={Max}", 404, "treeSize", "beyond the log" },
        { "proof/inclusion?index=37", 404, "index", "no entry at index 37" },
        { "proof/inclusion?index=0%20OR%201%3D1", 400, "index", "whole decimal number" },
        // consistency
        { "proof/consistency?second=5", 400, "first", "first is required" },
        { "proof/consistency?first=5", 400, "second", "second is required" },
        { "proof/consistency?first=0&second=5", 400, "first", "at least 1" },
        { "proof/consistency?first=6&second=5", 400, "first", "must not exceed second" },
        { "proof/consistency?first=-1&second=5", 400, "first", "must not be negative" },
        { $"proof/consistency?first=1&second={Overflow}", 400, "second", "too large" },
        { "proof/consistency?first=1&second=38", 404, "second", "beyond the log, which has 37 entries" },
        { "proof/consistency?first=1&second=5%27%3B%20DELETE%20FROM%20history.mt_events%3B--", 400, "second", "whole decimal number" },
        // anchors: paged, and a page far out cannot overflow the offset
        { "anchors?pageSize=0", 400, "pageSize", "between 1 and 1000" },
        { "anchors?pageSize=1001", 400, "pageSize", "between 1 and 1000" },
        { "anchors?page=0", 400, "page", "must be between 1 and" },
        { "anchors?page=2147483647&pageSize=1000", 400, "page", "between 1 and 2147484" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_malformed_or_hostile_query_is_a_problem_naming_the_parameter_and_changes_nothing(
        string query, int status, string parameter, string says)
    {
        var before = await bridge.StateAsync();

        using var response = await bridge.Client.GetAsync("/api/log/" + query);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        var messages = problem.GetProperty("errors").GetProperty(parameter).EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains(says, StringComparison.Ordinal));
        Assert.Equal(before, await bridge.StateAsync());
    }

    [Fact]
    public async Task Several_bad_parameters_are_all_named_in_one_problem()
    {
        using var response = await bridge.Client.GetAsync("/api/log/proof/consistency?first=x&second=-2");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("first", out _));
        Assert.True(errors.TryGetProperty("second", out _));
    }

    [Fact]
    public async Task A_value_padded_past_nineteen_digits_is_refused_not_read_as_a_small_number()
    {
        using var response = await bridge.Client.GetAsync("/api/log/proof/inclusion?index=" + new string('0', 4000) + "1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("index", out _));
    }

    [Fact]
    public async Task A_query_string_over_the_servers_request_line_limit_is_refused_before_the_api_and_changes_nothing()
    {
        var before = await bridge.StateAsync();

        // Kestrel's request line limit is 8 KiB: it answers 414 itself, before routing.
        using var response = await bridge.Client.GetAsync("/api/log/entries?start=" + new string('9', 20_000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal(before, await bridge.StateAsync());
        using var after = await bridge.Client.GetAsync("/api/log/head");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task The_edges_of_what_is_valid_still_answer()
    {
        var all = await bridge.Client.GetFromJsonAsync<List<LogApi.EntryResponse>>("/api/log/entries?start=0&end=1000");
        Assert.NotNull(all);
        Assert.Equal(Enumerable.Range(0, LoggedBridge.Entries).Select(i => (long)i), all.Select(e => e.Index));
        Assert.Empty((await bridge.Client.GetFromJsonAsync<List<LogApi.EntryResponse>>($"/api/log/entries?start={LoggedBridge.Entries}"))!);
        Assert.Single((await bridge.Client.GetFromJsonAsync<List<LogApi.EntryResponse>>("/api/log/entries?start=00036"))!);

        var inclusion = await bridge.Client.GetFromJsonAsync<LogApi.InclusionResponse>("/api/log/proof/inclusion?index=36&treeSize=37");
        Assert.Equal((36, 37), (inclusion!.LeafIndex, inclusion.TreeSize));
        Assert.Equal(all[36].LeafHash, inclusion.LeafHash);

        var same = await bridge.Client.GetFromJsonAsync<LogApi.ConsistencyResponse>("/api/log/proof/consistency?first=37&second=37");
        Assert.Empty(same!.Proof);
        Assert.Equal(same.FirstRoot, same.SecondRoot);
        var grown = await bridge.Client.GetFromJsonAsync<LogApi.ConsistencyResponse>("/api/log/proof/consistency?first=1&second=37");
        Assert.NotEmpty(grown!.Proof);
    }
}
