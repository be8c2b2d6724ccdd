using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using MassTransit;
using Npgsql;

namespace CommunityAI.EndToEndTests;

/// <summary>Publishes every integration event of the history a second time, with its original message id.</summary>
public static class Redelivery
{
    private static readonly Dictionary<string, Type> Published = new()
    {
        ["contribution_submitted"] = typeof(ContributionSubmitted),
        ["contribution_scored"] = typeof(ContributionScored),
        ["contribution_rewarded"] = typeof(ContributionRewarded),
    };

    public static async Task ReplayHistoryMessagesAsync(string history, string broker)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(broker)));
        await bus.StartAsync();
        try
        {
            await using var connection = new NpgsqlConnection(history);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id, type, data::text FROM history.mt_events ORDER BY seq_id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (!Published.TryGetValue(reader.GetString(1), out var type))
                    continue;
                var id = reader.GetGuid(0);
                var message = JsonSerializer.Deserialize(reader.GetString(2), type, OutboxRoutes.HistoryJson)!;
                await bus.Publish(message, type, context => context.MessageId = id);
            }
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
