// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title DatasetRevenuePool
/// @notice Where model builders pay for a dataset snapshot. Each payment is one `DatasetPaid` event naming the
///         snapshot's root (the root of its StandardMerkleTree over (contribution id, content hash) leaves, as the
///         history's `DatasetSnapshotted` records it); the reward ledger splits the amount over the snapshot's
///         contributors in proportion to their scores, any remainder to `treasury`, and the split enters the next
///         claim root, so the RewardDistributor pays it out when contributors claim.
///
/// The pool keeps what it receives for good: it has no owner, no roles and no way to move tokens out. The
/// distributor mints to contributors exactly what the ledger credited from the payments, so the tokens held here are
/// taken out of circulation as the same amount is minted to contributors, and a stolen key of any kind cannot drain
/// them. Anyone may pay (the ledger, not this contract, decides what an unknown snapshot's payment becomes).
///
/// The amount recorded is what the pool's balance actually grew by, so a token that takes a fee on transfer can never
/// make the ledger credit more than arrived. Amounts are bounded by uint128, the bound of the distributor's totals.
contract DatasetRevenuePool {
    using SafeERC20 for IERC20;

    /// @notice The token payments are made in: the community token the distributor mints.
    IERC20 public immutable token;

    /// @notice The community treasury: receives what an exact split leaves over, and payments for unknown snapshots.
    address public immutable treasury;

    /// @notice The largest payment the pool accepts.
    uint256 public constant MAX_PAYMENT = type(uint128).max;

    /// @notice One payment for one snapshot. Auditors and the chain-bridge depend on this exact signature.
    event DatasetPaid(bytes32 indexed snapshotRoot, address indexed payer, uint256 amount, address treasury);

    error ZeroAddress();
    error ZeroRoot();
    error ZeroAmount();
    error AmountTooLarge(uint256 amount, uint256 maxAmount);
    error NothingReceived(uint256 amount);

    constructor(IERC20 token_, address treasury_) {
        if (address(token_) == address(0) || treasury_ == address(0)) revert ZeroAddress();
        token = token_;
        treasury = treasury_;
    }

    /// @notice Pays `amount` tokens (approved beforehand) for the snapshot whose root is `snapshotRoot`.
    /// @return received What the pool's balance grew by: the amount the ledger splits.
    function pay(bytes32 snapshotRoot, uint256 amount) external returns (uint256 received) {
        if (snapshotRoot == bytes32(0)) revert ZeroRoot();
        if (amount == 0) revert ZeroAmount();
        if (amount > MAX_PAYMENT) revert AmountTooLarge(amount, MAX_PAYMENT);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
        if (received == 0) revert NothingReceived(amount);
        emit DatasetPaid(snapshotRoot, msg.sender, received, treasury);
    }
}
