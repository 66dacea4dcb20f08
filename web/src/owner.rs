//! The page's hold on the training run. The session crate's `Session` alone owns the
//! trainer, in the training worker or in the page ([`Host`]); the page speaks to it through
//! [`Owner::lock`], one user at a time, in the order they asked: the training loop for a
//! chunk and a frame, Step, Explain, Copy link, Save. Each sends commands of the session
//! protocol; nobody takes the trainer out, so nobody has to put it back.
//!
//! A new model (Reset, a changed setting, an opened file) is asked for at once and built
//! when the session is next free: [`Owner::ask`] numbers the request, and the loop trains
//! only a model built for the latest one ([`Owner::current`]), and drops what a chunk read
//! when a new model was asked for meanwhile.

use std::cell::Cell;
use std::rc::Rc;

use crate::host::Host;
use futures_util::lock::{Mutex, MutexGuard};

/// A shared handle on the page's session.
#[derive(Clone, Default)]
pub struct Owner(Rc<Inner>);

#[derive(Default)]
struct Inner {
    /// `None` until the devices are up.
    session: Mutex<Option<Host>>,
    /// The last model asked for.
    asked: Cell<u64>,
    /// The request the session's model was built for.
    built: Cell<u64>,
}

/// The session, held.
pub type Held<'a> = MutexGuard<'a, Option<Host>>;

impl Owner {
    /// Waits for the session to be free and holds it.
    pub async fn lock(&self) -> Held<'_> {
        self.0.session.lock().await
    }

    /// Asks for a new model: its number, for [`Owner::fulfil`].
    pub fn ask(&self) -> u64 {
        let next = self.0.asked.get() + 1;
        self.0.asked.set(next);
        next
    }

    /// The number of the latest request.
    pub fn asked(&self) -> u64 {
        self.0.asked.get()
    }

    /// Whether request `number` is still the latest (a later one replaces it).
    pub fn wanted(&self, number: u64) -> bool {
        self.0.asked.get() == number
    }

    /// Records that the session's model (or its absence) answers request `number`.
    pub fn fulfil(&self, number: u64) {
        self.0.built.set(number);
    }

    /// Whether the session's model answers the latest request.
    pub fn current(&self) -> bool {
        self.0.built.get() == self.0.asked.get()
    }
}
