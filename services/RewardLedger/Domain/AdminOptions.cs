namespace CommunityAI.RewardLedger.Domain;

/// <summary>Operator access, from configuration section "Admin"; the key comes from a secret, never from appsettings.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Required in the X-Api-Key header to publish a policy; empty disables publishing.</summary>
    public string ApiKey { get; set; } = "";
}
