using System.Net;
using CommunityAI.CommunityModel.Infrastructure;
using Npgsql;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// <c>communityai-audit replay</c> re-measures every round's <c>DataValued</c> from the snapshots' content: an honest
/// history re-runs to the recorded numbers; a value edited in the database (gain still with minus without, so only the
/// re-run can tell), a share count edited the same way, and a value naming another baseline than the round before are
/// named; a value recorded before shares existed is not.
/// </summary>
public sealed class DataValueReplayTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task Replay_remeasures_each_rounds_data_value_and_names_an_edited_value_and_a_chosen_baseline()
    {
        await service.ContributeAsync(CommunityTexts.Examples(15, seed: 51));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(CommunityTexts.Examples(30, seed: 52));
        var second = await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        var content = await service.ContentFileAsync();

        var honest = await service.ReplayAsync("--model-content", content);
        Assert.True(honest.Code == 0, honest.Output);
        var row = ModelService.ModelRow(honest.Output);
        Assert.Equal(["2", "2"], row[^2..]); // data valued, data values re-run

        // The operator edits the second round's value in the database: 1 point less without the new data, 1 point more gain.
        var stream = ModelHistory.StreamKey(second.GetProperty("snapshotRoot").GetString()!, null);
        await ExecuteAsync("update history.mt_events set data = jsonb_set(jsonb_set(data, '{data,withoutBasisPoints}', " +
            "to_jsonb((data #>> '{data,withoutBasisPoints}')::int - 100)), '{data,gainBasisPoints}', to_jsonb((data #>> '{data,gainBasisPoints}')::int + 100)) " +
            "where type = 'data_valued' and stream_id = @s", stream);
        var edited = await service.ReplayAsync("--model-content", content);
        Assert.Equal(1, edited.Code);
        Assert.Contains("recorded data value does not re-run", edited.Output);
        Assert.DoesNotContain("gain is not with minus without", edited.Output);
        Assert.DoesNotContain("recorded data shares do not re-run", edited.Output);

        // The operator undoes that, and gives one contribution of the second round's new data one example more.
        await ExecuteAsync("update history.mt_events set data = jsonb_set(jsonb_set(data, '{data,withoutBasisPoints}', " +
            "to_jsonb((data #>> '{data,withoutBasisPoints}')::int + 100)), '{data,gainBasisPoints}', to_jsonb((data #>> '{data,gainBasisPoints}')::int - 100)) " +
            "where type = 'data_valued' and stream_id = @s", stream);
        Assert.Equal(0, (await service.ReplayAsync("--model-content", content)).Code);
        await ExecuteAsync("update history.mt_events set data = jsonb_set(data, '{data,shares,0,examples}', " +
            "to_jsonb((data #>> '{data,shares,0,examples}')::int + 1)) where type = 'data_valued' and stream_id = @s", stream);
        var inflated = await service.ReplayAsync("--model-content", content);
        Assert.Equal(1, inflated.Code);
        Assert.Contains("recorded data shares do not re-run", inflated.Output);
        Assert.DoesNotContain("recorded data value does not re-run", inflated.Output);

        // A value recorded before shares existed (contracts 1.17) has none to check: not a finding.
        await ExecuteAsync("update history.mt_events set data = data #- '{data,shares}' #- '{feedback,shares}' where type = 'data_valued' and stream_id = @s", stream);
        var older = await service.ReplayAsync("--model-content", content);
        Assert.True(older.Code == 0, older.Output);
        Assert.Equal(["2", "2"], ModelService.ModelRow(older.Output)[^2..]);

        // And a value that picks its own baseline (the first round's, as if there had been none).
        await ExecuteAsync("update history.mt_events set data = jsonb_set(data, '{baselineModelHash}', 'null') where type = 'data_valued' and stream_id = @s", stream);
        var chosen = await service.ReplayAsync();
        Assert.Equal(1, chosen.Code);
        Assert.Contains("data valued against another baseline than the round before", chosen.Output);
    }

    private async Task ExecuteAsync(string sql, string stream)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", stream);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
