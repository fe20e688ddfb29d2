"""Channel senders: each takes a claimed Delivery, sends it, and returns fields to store."""
