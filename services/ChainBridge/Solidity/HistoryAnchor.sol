// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title HistoryAnchor
/// @notice Records RFC 9162 tree heads (tree size, root hash) of CommunityAI's event history.
///         Tree sizes only grow, so an anchored head can never be replaced by a shorter history;
///         every head is also emitted as an event, which is what auditors replay.
contract HistoryAnchor is Ownable2Step {
    /// @dev The anchorer and the latest tree size share one slot (20 + 8 bytes): an anchor reads
    ///      both with one SLOAD and rewrites them with one SSTORE. The root needs its own slot.
    struct Head {
        address anchorer;
        uint64 treeSize;
    }

    Head private _head;
    bytes32 private _rootHash;

    /// @notice Emitted once per anchored tree head. Auditors depend on this exact signature.
    event TreeHeadAnchored(uint64 indexed treeSize, bytes32 rootHash);
    event AnchorerChanged(address indexed previousAnchorer, address indexed newAnchorer);

    error NotAnchorer(address caller);
    error TreeSizeNotGrowing(uint64 latestTreeSize, uint64 proposedTreeSize);

    constructor(address initialOwner, address initialAnchorer) Ownable(initialOwner) {
        _head.anchorer = initialAnchorer;
        emit AnchorerChanged(address(0), initialAnchorer);
    }

    /// @notice Anchors a tree head. Reverts unless the caller is the anchorer and the tree grew.
    /// @dev An empty tree (size 0) is never anchored: the first head must have at least one entry.
    function anchor(uint64 treeSize, bytes32 rootHash) external {
        Head memory head = _head;
        if (msg.sender != head.anchorer) revert NotAnchorer(msg.sender);
        if (treeSize <= head.treeSize) revert TreeSizeNotGrowing(head.treeSize, treeSize);
        _head = Head(head.anchorer, treeSize);
        _rootHash = rootHash;
        emit TreeHeadAnchored(treeSize, rootHash);
    }

    /// @notice Replaces the anchorer (for example after rotating the bridge's key).
    function setAnchorer(address newAnchorer) external onlyOwner {
        emit AnchorerChanged(_head.anchorer, newAnchorer);
        _head.anchorer = newAnchorer;
    }

    function anchorer() external view returns (address) {
        return _head.anchorer;
    }

    /// @notice The latest anchored head; (0, 0x0) before the first anchor.
    function latestHead() external view returns (uint64 treeSize, bytes32 rootHash) {
        return (_head.treeSize, _rootHash);
    }

    function latestTreeSize() external view returns (uint64) {
        return _head.treeSize;
    }

    function latestRootHash() external view returns (bytes32) {
        return _rootHash;
    }
}
