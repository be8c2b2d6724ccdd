namespace CommunityAI.Contracts;

/// <summary>
/// An admitted dataset builder recorded a model trained on a dataset snapshot, by a signed EIP-712
/// <c>ModelRegistration(address builder,bytes32 root,string name,string weightsUri,bytes32 weightsHash,uint64 nonce,uint64 deadline)</c>
/// in the version-2 domain (stream <c>contributions/models/{modelId}</c>). It says which data a model came from, and lets
/// anyone check that weights fetched from <paramref name="WeightsUri"/> are the ones registered. History only; recorded
/// by the contributions service (added in 1.16). <c>communityai-audit replay</c> checks the signature, the builder's
/// admission and that the snapshot precedes it.
/// </summary>
/// <param name="ModelId">The registration's id: the EIP-712 digest of the signed ModelRegistration, 0x-prefixed hex.</param>
/// <param name="SnapshotRoot">The snapshot the model was trained on (its <see cref="DatasetSnapshotted.Root"/>), lower-case hex.</param>
/// <param name="Builder">The builder who signed, EIP-55.</param>
/// <param name="Name">The model's name, as signed.</param>
/// <param name="WeightsUri">Where the weights live, as signed (an absolute URI).</param>
/// <param name="WeightsHash">The SHA-256 of the weights, lower-case 0x-prefixed hex, as signed.</param>
/// <param name="Nonce">The signed nonce, uint64 as a decimal string.</param>
/// <param name="Deadline">The signed deadline, Unix seconds.</param>
/// <param name="Signature">The 65-byte EIP-712 signature, lower-case hex.</param>
/// <param name="RegisteredAt">When the contributions service recorded it.</param>
public sealed record ModelRegistered(
    string ModelId,
    string SnapshotRoot,
    string Builder,
    string Name,
    string WeightsUri,
    string WeightsHash,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset RegisteredAt);
