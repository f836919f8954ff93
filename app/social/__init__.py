"""Social import: customers' public posts (X, VK, Facebook, Telegram) become topics attributed to their authors."""
