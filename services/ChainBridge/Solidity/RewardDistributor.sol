// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {CommunityToken} from "./CommunityToken.sol";

/// @title RewardDistributor
/// @notice Pays reward claims from per-epoch roots of cumulative earned amounts.
///
/// Each published root is an OpenZeppelin StandardMerkleTree over ["address","uint256"] leaves
/// (account, cumulative amount earned up to that epoch). Because amounts are cumulative, only the
/// claimable root matters and a claim pays `cumulativeAmount - claimed[account]`; no per-window
/// bookkeeping exists that could drift between epochs.
///
/// How a proof is bound to this distributor: the leaf format is the public StandardMerkleTree one
/// and holds no chain id or contract address (wallets and the OpenZeppelin merkle-tree library must agree with
/// it), so the binding is the root. A proof only verifies against the root stored in this
/// contract, which only this contract's publishers can set, and `claimed` is kept per contract.
/// The reward ledger therefore builds and publishes each tree for exactly one (chain id,
/// distributor address) pair; publishing the same root on two distributors would make the same
/// proofs pay on both, and is the one thing the publisher must never do.
///
/// Bounds, so that a stolen publisher key can neither brick nor drain the contract:
/// - each root comes with its tree's cumulative total (the sum of its amounts), which never decreases,
///   and all claims together never pay out more than the claimable root's total (`totalPaid`);
/// - an epoch must exceed the latest published one by at least 1 and at most `maxEpochStep` (the bridge
///   publishes the next epoch, or after a reorg or an outage the newest closed one, which can skip a few);
/// - with a `challengeDelay`, a new root becomes claimable only that many seconds after it was published,
///   and a guardian can veto it meanwhile; a vetoed epoch may be published again (with the right root);
/// - a guardian can pause publishing and claiming; only the admin unpauses.
///
/// Roles: the admin (DEFAULT_ADMIN_ROLE: a cold key, a multisig or a timelock) grants and revokes
/// PUBLISHER_ROLE (the bridge's hot key) and GUARDIAN_ROLE, sets the challenge delay and unpauses. The
/// token is created here with this contract as its only minter.
///
/// Claims against a superseded root revert with InvalidProof: the client fetches a proof for the
/// claimable epoch. A claim that would pay nothing reverts with NothingToClaim, so wallets see the
/// failure in gas estimation instead of paying for an empty transaction.
contract RewardDistributor is AccessControl, Pausable {
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice The longest challenge delay the admin may set: a longer one would hold claims back too long.
    uint64 public constant MAX_CHALLENGE_DELAY = 30 days;

    CommunityToken public immutable token;

    /// @notice The most a new epoch may exceed the latest published one.
    uint64 public immutable maxEpochStep;

    /// @notice Seconds between a root's publication and the moment it becomes claimable.
    uint64 public challengeDelay;

    /// @dev One publication in two slots: the root, then total, epoch and claimable time packed.
    struct Publication {
        bytes32 root;
        uint128 cumulativeTotal;
        uint64 epoch;
        uint64 claimableAt;
    }

    /// @dev The root claims were checked against before `_pending`; `_pending` replaces it once its
    ///      challenge delay has passed (read lazily: a claim never writes either).
    Publication private _active;
    Publication private _pending;

    /// @notice Total paid out by all claims so far; never above the claimable root's cumulative total.
    uint256 public totalPaid;

    /// @notice Total paid out to each account so far (the cumulative amount of its last claim).
    mapping(address account => uint256 amount) public claimed;

    event RootPublished(uint64 indexed epoch, bytes32 root, uint256 cumulativeTotal, uint64 claimableAt);
    event RootVetoed(uint64 indexed epoch, bytes32 root, address guardian);
    event ChallengeDelayChanged(uint64 previousDelay, uint64 newDelay);
    event Claimed(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount);

    error EpochOutOfRange(uint64 latestEpoch, uint64 proposedEpoch, uint64 maxEpochStep);
    error CumulativeTotalDecreasing(uint256 latestTotal, uint256 proposedTotal);
    error CumulativeTotalTooLarge(uint256 proposedTotal);
    error ExceedsPublishedTotal(uint256 cumulativeTotal, uint256 totalPaidAfterClaim);
    error NoRootPublished();
    error NothingToVeto(uint64 epoch);
    error ChallengeDelayTooLong(uint64 delay, uint64 maxDelay);
    error InvalidProof(address account, uint256 cumulativeAmount);
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);
    error ZeroAddress();
    error ZeroEpochStep();

    constructor(address admin, address guardian, address publisher, uint64 maxEpochStep_, uint64 challengeDelay_) {
        if (admin == address(0) || guardian == address(0) || publisher == address(0)) revert ZeroAddress();
        if (maxEpochStep_ == 0) revert ZeroEpochStep();
        if (challengeDelay_ > MAX_CHALLENGE_DELAY) revert ChallengeDelayTooLong(challengeDelay_, MAX_CHALLENGE_DELAY);
        maxEpochStep = maxEpochStep_;
        challengeDelay = challengeDelay_;
        token = new CommunityToken(admin, address(this));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, guardian);
        _grantRole(PUBLISHER_ROLE, publisher);
    }

    /// @notice Publishes the claim root of an epoch with its tree's cumulative total (the sum of its
    ///         amounts). Epoch 0 is never published.
    function publishRoot(uint64 epoch, bytes32 root, uint256 cumulativeTotal)
        external
        onlyRole(PUBLISHER_ROLE)
        whenNotPaused
    {
        Publication memory latest = _latest();
        if (epoch <= latest.epoch || epoch - latest.epoch > maxEpochStep) {
            revert EpochOutOfRange(latest.epoch, epoch, maxEpochStep);
        }
        if (cumulativeTotal < latest.cumulativeTotal) revert CumulativeTotalDecreasing(latest.cumulativeTotal, cumulativeTotal);
        if (cumulativeTotal > type(uint128).max) revert CumulativeTotalTooLarge(cumulativeTotal);

        uint64 delay = challengeDelay;
        uint64 claimableAt = uint64(block.timestamp) + delay;
        Publication memory next = Publication(root, uint128(cumulativeTotal), epoch, claimableAt);
        Publication memory pending = _pending;
        if (delay == 0) {
            _active = next;
            if (pending.epoch != 0) delete _pending;
        } else {
            // A pending root whose delay has passed stays claimable until the new one's delay passes.
            if (pending.epoch != 0 && block.timestamp >= pending.claimableAt) _active = pending;
            _pending = next;
        }
        emit RootPublished(epoch, root, cumulativeTotal, claimableAt);
    }

    /// @notice Rejects the pending root of `epoch` before it becomes claimable. The epoch may then be
    ///         published again; claims keep using the root that was claimable before.
    function veto(uint64 epoch) external onlyRole(GUARDIAN_ROLE) {
        Publication memory pending = _pending;
        if (pending.epoch == 0 || pending.epoch != epoch || block.timestamp >= pending.claimableAt) revert NothingToVeto(epoch);
        delete _pending;
        emit RootVetoed(epoch, pending.root, msg.sender);
    }

    /// @notice Sets the challenge delay for roots published from now on.
    function setChallengeDelay(uint64 delay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (delay > MAX_CHALLENGE_DELAY) revert ChallengeDelayTooLong(delay, MAX_CHALLENGE_DELAY);
        emit ChallengeDelayChanged(challengeDelay, delay);
        challengeDelay = delay;
    }

    /// @notice Stops publishing and claiming until the admin unpauses.
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Resumes publishing and claiming. Only the admin: a guardian key alone can stop, never restart.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @notice Pays `account` what it earned beyond what it already claimed. Anyone may submit the
    ///         claim (for example a relayer paying the gas); the tokens always go to `account`.
    /// @return amount The amount minted to `account`.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        whenNotPaused
        returns (uint256 amount)
    {
        Publication memory current = _claimable();
        if (current.root == bytes32(0)) revert NoRootPublished();
        // Double hashing, as StandardMerkleTree does, keeps a 64-byte leaf from being confused with
        // an inner node (second-preimage attack).
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, current.root, leaf)) revert InvalidProof(account, cumulativeAmount);

        uint256 alreadyClaimed = claimed[account];
        if (cumulativeAmount <= alreadyClaimed) revert NothingToClaim(account, cumulativeAmount, alreadyClaimed);
        amount = cumulativeAmount - alreadyClaimed;
        // A tree whose amounts add up to more than its published total pays until the total is reached, no further.
        uint256 paid = totalPaid + amount;
        if (paid > current.cumulativeTotal) revert ExceedsPublishedTotal(current.cumulativeTotal, paid);
        // Effects before the external call, so a re-entrant claim sees the updated totals.
        claimed[account] = cumulativeAmount;
        totalPaid = paid;
        emit Claimed(account, current.epoch, amount, cumulativeAmount);
        token.mint(account, amount);
    }

    /// @notice The newest publication, claimable or still in its challenge delay; (0, 0x0) before the first.
    function latestEpoch() external view returns (uint64) {
        return _latest().epoch;
    }

    /// @notice The root of the newest publication (see latestEpoch).
    function latestRoot() external view returns (bytes32) {
        return _latest().root;
    }

    /// @notice The cumulative total of the newest publication (see latestEpoch).
    function latestCumulativeTotal() external view returns (uint256) {
        return _latest().cumulativeTotal;
    }

    /// @notice The root claims are checked against now, and the most all claims together may pay.
    function claimableRoot() external view returns (uint64 epoch, bytes32 root, uint256 cumulativeTotal) {
        Publication memory current = _claimable();
        return (current.epoch, current.root, current.cumulativeTotal);
    }

    /// @notice The root still in its challenge delay; all zero when there is none.
    function pendingRoot() external view returns (uint64 epoch, bytes32 root, uint256 cumulativeTotal, uint64 claimableAt) {
        Publication memory pending = _pending;
        if (pending.epoch == 0 || block.timestamp >= pending.claimableAt) return (0, bytes32(0), 0, 0);
        return (pending.epoch, pending.root, pending.cumulativeTotal, pending.claimableAt);
    }

    function _latest() private view returns (Publication memory) {
        Publication memory pending = _pending;
        return pending.epoch != 0 ? pending : _active;
    }

    function _claimable() private view returns (Publication memory) {
        Publication memory pending = _pending;
        return pending.epoch != 0 && block.timestamp >= pending.claimableAt ? pending : _active;
    }
}
