using System.Globalization;
using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Relaying;
using Microsoft.AspNetCore.Http.HttpResults;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;

namespace CommunityAI.ChainBridge.Apis;

/// <summary>
/// <c>POST /api/relay/claims</c>: gasless claims. Anyone may ask the relayer to send an account's claim (the ledger's
/// <c>GET /api/claims/{address}</c> gives the amount and proof); the tokens always go to that account. Answers 200 with
/// the transaction, 400 naming the malformed field, 409 when there is nothing left to claim, 422 when the claim would
/// revert (the contract's error named), 429 past the account's relays for the day, 503 when the relayer is off, the
/// chain away or claims paused. Nothing is sent in any refused case.
/// </summary>
public static class RelayApi
{
    public const int MaxProofNodes = 64;
    public const long MaxBodyBytes = 8 * 1024;

    public sealed record ClaimRelayRequest(string? Account, string? CumulativeAmount, string[]? Proof);

    public sealed record ClaimRelayed(string Account, string TransactionHash, ulong BlockNumber, string Paid, ulong Epoch, int RelaysLeftToday);

    public static IEndpointRouteBuilder MapRelayApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/relay/claims", RelayAsync).WithTags("Claims");
        return app;
    }

    public static async Task<Results<Ok<ClaimRelayed>, ValidationProblem, ProblemHttpResult>> RelayAsync(
        ClaimRelayRequest? request, ClaimRelayer relayer, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON object { account, cumulativeAmount, proof } is required"] });
        if (request.Account is not { } account || !AddressUtil.Current.IsValidEthereumAddressHexFormat(account))
            errors["account"] = ["a 0x-prefixed 20-byte address is required"];
        if (!BigInteger.TryParse(request.CumulativeAmount, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount <= 0 || amount >= BigInteger.One << 256)
            errors["cumulativeAmount"] = ["a positive decimal integer below 2^256 (base units) is required"];
        var proof = new List<byte[]>();
        if (request.Proof is null || request.Proof.Length > MaxProofNodes)
            errors["proof"] = [$"a list of at most {MaxProofNodes} hashes is required"];
        else
        {
            foreach (var node in request.Proof)
            {
                if (node is not { Length: 66 } || !node.StartsWith("0x", StringComparison.Ordinal) || !node[2..].All(Uri.IsHexDigit))
                {
                    errors["proof"] = ["every proof node is a 0x-prefixed 32-byte hex string"];
                    break;
                }
                proof.Add(node.HexToByteArray());
            }
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var outcome = await relayer.RelayAsync(request.Account!, amount, proof, ct);
        return outcome.Result switch
        {
            RelayResult.Relayed => TypedResults.Ok(new ClaimRelayed(request.Account!, outcome.Receipt!.Transaction.TransactionHash,
                outcome.Receipt.Transaction.BlockNumber, outcome.Receipt.Paid.ToString(CultureInfo.InvariantCulture), outcome.Receipt.Epoch,
                outcome.RelaysLeftToday)),
            RelayResult.NothingToClaim => Problem(409, "Nothing to claim", outcome.Detail),
            RelayResult.OverQuota => Problem(429, "No relays left today", outcome.Detail),
            RelayResult.WouldRevert => Problem(422, $"The claim would revert ({outcome.RevertError})", outcome.Detail),
            _ => Problem(503, "The relayer is unavailable", outcome.Detail),
        };
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
