namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// A well-known builder key for Development and Testing only, so a local run needs no secret: anvil's public dev key 9
/// (address 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720, which the AppHost admits as a dataset builder). It protects
/// nothing; every other environment refuses to start without <c>Model:BuilderKey</c>.
/// </summary>
public static class DevelopmentBuilderKey
{
    public const string Value = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

    public static bool Applies(string environment) => environment is "Development" or "Testing" or "Benchmark";
}
