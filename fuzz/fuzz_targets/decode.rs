//! Fuzz the broker message decoder: any bytes decode to a message or an error, and whatever
//! decodes encodes and decodes again to the same kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warren_shared::Envelope;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = Envelope::decode(data) {
        let again = Envelope::decode(&Envelope::new(message.clone()).encode());
        assert!(again.is_ok_and(|decoded| decoded.kind() == message.kind()));
    }
});
