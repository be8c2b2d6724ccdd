using System.Numerics;
using CommunityAI.Formats.Signing;
using Nethereum.ABI.EIP712;
using Nethereum.Util;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// What a validator signs to register: EIP-712 typed data in the CommunityAI domain
/// <c>{ name: "CommunityAI", version: "1", chainId }</c> over
/// <c>ValidatorRegistration(address validator,uint64 nonce,uint64 deadline)</c>. Any EIP-712 wallet can sign it
/// (ethers.js <c>signTypedData</c>, MetaMask <c>eth_signTypedData_v4</c>).
/// </summary>
public sealed record ValidatorRegistration(string Validator, ulong Nonce, ulong Deadline)
{
    public const string TypeString = "ValidatorRegistration(address validator,uint64 nonce,uint64 deadline)";

    private static readonly Dictionary<string, MemberDescription[]> Types = new()
    {
        ["EIP712Domain"] = [Member("name", "string"), Member("version", "string"), Member("chainId", "uint256")],
        ["ValidatorRegistration"] = [Member("validator", "address"), Member("nonce", "uint64"), Member("deadline", "uint64")],
    };

    public byte[] Digest(ulong chainId) => Sha3Keccack.Current.CalculateHash(Eip712TypedDataEncoder.Current.EncodeTypedDataRaw(new TypedDataRaw
    {
        Types = Types,
        PrimaryType = "ValidatorRegistration",
        DomainRawValues =
        [
            Value("string", TypedDataSchema.DomainName), Value("string", TypedDataSchema.DomainVersion),
            Value("uint256", new BigInteger(chainId)),
        ],
        Message = [Value("address", Address.Parse(Validator)), Value("uint64", new BigInteger(Nonce)), Value("uint64", new BigInteger(Deadline))],
    }));

    public string Sign(ulong chainId, string privateKeyHex) => TypedDataSigner.SignDigest(Digest(chainId), privateKeyHex);

    public string? RecoverSigner(ulong chainId, string? signatureHex) => TypedDataSigner.RecoverSigner(Digest(chainId), signatureHex);

    private static MemberDescription Member(string name, string type) => new() { Name = name, Type = type };

    private static MemberValue Value(string type, object value) => new() { TypeName = type, Value = value };
}
