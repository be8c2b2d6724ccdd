using System.Text.Json;

namespace Contributions.IntegrationTests;

/// <summary>@openzeppelin/merkle-tree's verifyMultiProof, run by node from the repository's node_modules, over answers as served.</summary>
public static class OpenZeppelinMultiProof
{
    public static bool[] Verify(IEnumerable<JsonElement> answers) =>
        JsonSerializer.Deserialize<bool[]>(NodeScript.Run(Path.Combine("tests", "Contributions.IntegrationTests", "verify-multiproof.mjs"),
            JsonSerializer.Serialize(answers), Path.Combine("@openzeppelin", "merkle-tree")))!;
}
