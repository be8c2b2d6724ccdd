using System.Globalization;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.JsonRpc.Client;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// A contract call or transaction reverted. <see cref="ErrorName"/> is the Solidity custom error
/// (for example <c>TreeSizeNotGrowing</c>, <c>NothingToClaim</c>), <c>Error</c> for a string
/// reason, <c>Panic</c> for a panic code, or null when the node returned no revert data.
/// </summary>
public sealed class ContractRevertedException : Exception
{
    // Every error our contracts can raise, including errors bubbling up from a called contract
    // (a distributor that lacks the minter role reverts with the token's AccessControl error).
    private static readonly Lazy<Dictionary<string, ErrorABI>> s_knownErrors = new(() =>
    {
        var errors = new Dictionary<string, ErrorABI>(StringComparer.OrdinalIgnoreCase);
        foreach (var artifact in ContractArtifacts.All)
        {
            foreach (var error in new ContractBuilder(artifact.Abi, null).ContractABI.Errors)
            {
                errors.TryAdd(error.Sha3Signature, error);
            }
        }
        return errors;
    });

    private const string ErrorStringSelector = "08c379a0";
    private const string PanicSelector = "4e487b71";

    public ContractRevertedException(string message) : base(message)
    {
    }

    public ContractRevertedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    private ContractRevertedException(string action, string? errorName, IReadOnlyList<object> arguments, string? revertData, Exception? inner)
        : base(Describe(action, errorName, arguments), inner)
    {
        ErrorName = errorName;
        Arguments = arguments;
        RevertData = revertData;
    }

    /// <summary>The custom error's name, <c>Error</c>, <c>Panic</c>, or null when unknown.</summary>
    public string? ErrorName { get; }

    /// <summary>The error's decoded arguments, in declaration order.</summary>
    public IReadOnlyList<object> Arguments { get; } = [];

    /// <summary>The raw revert data (0x-prefixed hex), when the node returned it.</summary>
    public string? RevertData { get; }

    /// <summary>The revert data of <paramref name="exception"/> or its inner exceptions, if any.</summary>
    internal static string? FindRevertData(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            var data = e switch
            {
                SmartContractCustomErrorRevertException custom => custom.ExceptionEncodedData,
                SmartContractRevertException revert => revert.EncodedData,
                RpcResponseException rpc when rpc.RpcError.Code == 3 || rpc.RpcError.Message.Contains("revert", StringComparison.OrdinalIgnoreCase)
                    => rpc.RpcError.GetDataAsString() ?? "0x",
                _ => null,
            };
            if (data is not null)
            {
                return data.IsHex() ? data.EnsureHexPrefix() : "0x";
            }
        }
        return null;
    }

    /// <summary>Decodes <paramref name="revertData"/> against the errors of our contracts.</summary>
    internal static ContractRevertedException FromRevertData(string action, string revertData, Exception? inner = null)
    {
        var hex = revertData.RemoveHexPrefix();
        if (hex.Length < 8)
        {
            return new ContractRevertedException(action, null, [], revertData, inner);
        }

        var selector = hex[..8];
        var body = hex[8..];
        if (selector.Equals(ErrorStringSelector, StringComparison.OrdinalIgnoreCase))
        {
            var reason = new ParameterDecoder().DecodeDefaultData(body, [new Parameter("string", "reason")]);
            return new ContractRevertedException(action, "Error", [.. reason.Select(p => p.Result)], revertData, inner);
        }
        if (selector.Equals(PanicSelector, StringComparison.OrdinalIgnoreCase))
        {
            var code = new ParameterDecoder().DecodeDefaultData(body, [new Parameter("uint256", "code")]);
            return new ContractRevertedException(action, "Panic", [.. code.Select(p => p.Result)], revertData, inner);
        }
        if (s_knownErrors.Value.TryGetValue(selector, out var error))
        {
            var arguments = new ParameterDecoder().DecodeDefaultData(body, error.InputParameters);
            return new ContractRevertedException(action, error.Name, [.. arguments.Select(p => p.Result)], revertData, inner);
        }
        return new ContractRevertedException(action, null, [], revertData, inner);
    }

    private static string Describe(string action, string? errorName, IReadOnlyList<object> arguments) => errorName is null
        ? $"{action} reverted without a known error."
        : $"{action} reverted with {errorName}({string.Join(", ", arguments.Select(FormatArgument))}).";

    private static string FormatArgument(object value) => value switch
    {
        byte[] bytes => bytes.ToHex(prefix: true),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
