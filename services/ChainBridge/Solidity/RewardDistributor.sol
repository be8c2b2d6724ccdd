// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {CommunityToken} from "./CommunityToken.sol";

/// @title RewardDistributor
/// @notice Pays reward claims from per-epoch roots of cumulative earned amounts.
///
/// Each published root is an OpenZeppelin StandardMerkleTree over ["address","uint256"] leaves
/// (account, cumulative amount earned up to that epoch). Because amounts are cumulative, only the
/// latest root matters and a claim pays `cumulativeAmount - claimed[account]`; no per-window
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
/// Claims against a superseded root revert with InvalidProof: the client fetches a proof for the
/// latest epoch. A claim that would pay nothing reverts with NothingToClaim, so wallets see the
/// failure in gas estimation instead of paying for an empty transaction.
contract RewardDistributor is AccessControl {
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");

    CommunityToken public immutable token;

    /// @dev Epoch and root of the latest publication; a claim reads both.
    uint64 public latestEpoch;
    bytes32 public latestRoot;

    /// @notice Total paid out to each account so far (the cumulative amount of its last claim).
    mapping(address account => uint256 amount) public claimed;

    event RootPublished(uint64 indexed epoch, bytes32 root);
    event Claimed(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount);

    error EpochNotIncreasing(uint64 latestEpoch, uint64 proposedEpoch);
    error NoRootPublished();
    error InvalidProof(address account, uint256 cumulativeAmount);
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);

    constructor(address admin, CommunityToken rewardToken) {
        token = rewardToken;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Publishes the claim root of an epoch. Epochs strictly increase; epoch 0 is never published.
    function publishRoot(uint64 epoch, bytes32 root) external onlyRole(PUBLISHER_ROLE) {
        if (epoch <= latestEpoch) revert EpochNotIncreasing(latestEpoch, epoch);
        latestEpoch = epoch;
        latestRoot = root;
        emit RootPublished(epoch, root);
    }

    /// @notice Pays `account` what it earned beyond what it already claimed. Anyone may submit the
    ///         claim (for example a relayer paying the gas); the tokens always go to `account`.
    /// @return amount The amount minted to `account`.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        bytes32 root = latestRoot;
        if (root == bytes32(0)) revert NoRootPublished();
        // Double hashing, as StandardMerkleTree does, keeps a 64-byte leaf from being confused with
        // an inner node (second-preimage attack).
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof(account, cumulativeAmount);

        uint256 alreadyClaimed = claimed[account];
        if (cumulativeAmount <= alreadyClaimed) revert NothingToClaim(account, cumulativeAmount, alreadyClaimed);
        amount = cumulativeAmount - alreadyClaimed;
        // Effects before the external call, so a re-entrant claim sees the updated total.
        claimed[account] = cumulativeAmount;
        emit Claimed(account, latestEpoch, amount, cumulativeAmount);
        token.mint(account, amount);
    }
}
