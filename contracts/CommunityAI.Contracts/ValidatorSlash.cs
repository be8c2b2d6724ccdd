namespace CommunityAI.Contracts;

/// <summary>
/// One first-round reviewer's slash in an <see cref="AppealSettled"/>: its review was overturned by a second round it did
/// not ask for in its favour (an audit round, or an appeal by a first-round reviewer), so it gives back a policy-set amount.
/// </summary>
/// <param name="Validator">The reviewer, EIP-55.</param>
/// <param name="Amount">What it loses, token base units as a decimal string, never 0: floor(pool · <see cref="RewardPolicyPublished.SlashBasisPoints"/> / 10000).</param>
public sealed record ValidatorSlash(string Validator, string Amount);
