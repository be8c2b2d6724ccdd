using CommunityAI.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// Set-ups running side by side (two replicas of the set-up job; here, test classes sharing one broker) create the same
/// new users at once. RabbitMQ answers the one that loses a creation with 400 "user_already_exists"; the set-up sends it
/// again and every run completes. This failed a clean-clone CI run on a fresh machine, where no user existed yet.
/// </summary>
public sealed class BrokerSetupRaceTests
{
    [Fact]
    public async Task Eight_set_ups_creating_the_same_new_users_at_once_all_complete_and_each_user_logs_in()
    {
        var broker = await RabbitServer.CreateVirtualHostAsync("setup-race");
        var (_, management) = await RabbitServer.ServerAsync();
        var vhost = Uri.UnescapeDataString(new Uri(broker).AbsolutePath[1..]);
        // Partners nobody made before: each user is created by all eight at about the same moment.
        var partners = Enumerable.Range(0, 12)
            .Select(_ => new PartnerGrant("race-" + Guid.NewGuid().ToString("N")[..12], SystemUnderTest.BrokerPassword, ["EpochClosed"]))
            .ToList();
        var passwords = BrokerUsers.All.Select(u => u.User).Append(BrokerUsers.Monitor).ToDictionary(u => u, _ => SystemUnderTest.BrokerPassword);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => BrokerSetup.ApplyAsync(management, vhost, passwords, partners))));

            foreach (var partner in partners)
            {
                var login = BrokerSetup.LoginFor(broker, BrokerUsers.PartnerUser(partner.Name), SystemUnderTest.BrokerPassword);
                await using var connection = await new ConnectionFactory { Uri = new Uri(login) }.CreateConnectionAsync();
                Assert.True(connection.IsOpen);
            }
        }
        finally
        {
            foreach (var partner in partners)
                await RabbitServer.DeleteUserAsync(BrokerUsers.PartnerUser(partner.Name));
            await RabbitServer.DeleteVirtualHostAsync(broker);
        }
    }
}
