// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title CommunityToken
/// @notice The reward token. Supply only grows by minting from the RewardDistributor (the minter),
///         so every token in circulation traces back to a published claim root.
/// @dev The RewardDistributor creates this token in its own constructor and passes itself as the
///      minter, so no account ever holds MINTER_ROLE, not even for one block. The admin (a cold key,
///      a multisig or a timelock; never the bridge's hot key) could grant it, which is why the admin
///      is named explicitly and never defaults to the deployer.
contract CommunityToken is ERC20, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    error ZeroAddress();

    constructor(address admin, address minter) ERC20("CommunityAI Token", "CAI") {
        if (admin == address(0) || minter == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, minter);
    }

    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }
}
