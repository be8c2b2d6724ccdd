namespace CommunityAI.ChainBridge.Chain;

/// <summary>One compiled contract, as written by Solidity/compile.mjs.</summary>
/// <param name="ContractName">The Solidity contract name.</param>
/// <param name="Abi">The ABI as JSON text.</param>
/// <param name="Bytecode">Creation bytecode, 0x-prefixed hex.</param>
/// <param name="DeployedBytecode">Runtime bytecode, 0x-prefixed hex (immutables zeroed).</param>
public sealed record ContractArtifact(string ContractName, string Abi, string Bytecode, string DeployedBytecode);
