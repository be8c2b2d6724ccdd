namespace CommunityAI.Contributions.Domain;

/// <summary>
/// A well-known master key for Development, Testing and Benchmark only, so a local run needs no secret. It protects
/// nothing (it is in the source); every other environment refuses to start without <c>ContentStore:MasterKeys</c>.
/// </summary>
public static class DevelopmentMasterKey
{
    public const string Id = "development";

    /// <summary>32 bytes ("communityai-development-only-key"), base64; public on purpose.</summary>
    public const string Value = "Y29tbXVuaXR5YWktZGV2ZWxvcG1lbnQtb25seS1rZXk=";

    public static bool Applies(string environment) => environment is "Development" or "Testing" or "Benchmark";
}
