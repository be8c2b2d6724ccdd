// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title HistoryAnchor
/// @notice Records RFC 9162 tree heads (tree size, root hash) of CommunityAI's event history.
///         Tree sizes only grow, so an anchored head can never be replaced by a shorter history;
///         every head is also emitted as an event, which is what auditors replay.
///
/// Roles: the admin (DEFAULT_ADMIN_ROLE: a cold key, a multisig or a timelock) grants and revokes
/// ANCHORER_ROLE (the bridge's hot key) and GUARDIAN_ROLE, and unpauses. A guardian can pause
/// anchoring. A stolen anchorer key can anchor wrong roots (which auditors detect against the log)
/// but cannot grant roles, and cannot brick the contract: each anchor may grow the tree by at most
/// `maxTreeGrowth` entries, so reaching the largest uint64 size takes billions of transactions.
contract HistoryAnchor is AccessControl, Pausable {
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice The most entries one anchor may add to the latest tree size.
    uint64 public immutable maxTreeGrowth;

    uint64 private _treeSize;
    bytes32 private _rootHash;

    /// @notice Emitted once per anchored tree head. Auditors depend on this exact signature.
    event TreeHeadAnchored(uint64 indexed treeSize, bytes32 rootHash);

    error TreeSizeNotGrowing(uint64 latestTreeSize, uint64 proposedTreeSize);
    error TreeGrowthTooLarge(uint64 latestTreeSize, uint64 proposedTreeSize, uint64 maxTreeGrowth);
    error ZeroAddress();
    error ZeroTreeGrowth();

    constructor(address admin, address guardian, address anchorer, uint64 maxTreeGrowth_) {
        if (admin == address(0) || guardian == address(0) || anchorer == address(0)) revert ZeroAddress();
        if (maxTreeGrowth_ == 0) revert ZeroTreeGrowth();
        maxTreeGrowth = maxTreeGrowth_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, guardian);
        _grantRole(ANCHORER_ROLE, anchorer);
    }

    /// @notice Anchors a tree head. Reverts unless the caller is an anchorer, anchoring is not paused,
    ///         and the tree grew by at least one and at most `maxTreeGrowth` entries.
    /// @dev An empty tree (size 0) is never anchored: the first head must have at least one entry.
    function anchor(uint64 treeSize, bytes32 rootHash) external onlyRole(ANCHORER_ROLE) whenNotPaused {
        uint64 latest = _treeSize;
        if (treeSize <= latest) revert TreeSizeNotGrowing(latest, treeSize);
        if (treeSize - latest > maxTreeGrowth) revert TreeGrowthTooLarge(latest, treeSize, maxTreeGrowth);
        _treeSize = treeSize;
        _rootHash = rootHash;
        emit TreeHeadAnchored(treeSize, rootHash);
    }

    /// @notice Stops anchoring until the admin unpauses (for example while a stolen hot key is rotated).
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Resumes anchoring. Only the admin: a guardian key alone can stop, never restart.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @notice The latest anchored head; (0, 0x0) before the first anchor.
    function latestHead() external view returns (uint64 treeSize, bytes32 rootHash) {
        return (_treeSize, _rootHash);
    }

    function latestTreeSize() external view returns (uint64) {
        return _treeSize;
    }

    function latestRootHash() external view returns (bytes32) {
        return _rootHash;
    }
}
