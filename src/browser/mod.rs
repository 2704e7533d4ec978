//! Everything that touches the browser: sockets, the clock, timers and the panic hook.
//!
//! The adapter executes what the engine decides and reports what the browser did; it decides
//! nothing itself.

pub mod clock;
pub mod driver;
pub mod export;
pub mod fault;
pub mod heap;
pub mod http;
pub mod layout;
pub mod page;
pub mod panic;
pub mod socket;
mod socket_worker;
pub mod storage;
pub mod token;
pub mod visibility;
