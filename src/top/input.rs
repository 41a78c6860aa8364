//! The input thread: keys, the mouse and resizes from the terminal, sent to the main loop.
//! A terminal that goes away ends it with [`Event::InputGone`].

use super::Event;
use std::sync::mpsc::Sender;

pub fn run(events: Sender<Event>) {
    loop {
        let event = match crossterm::event::read() {
            Ok(crossterm::event::Event::Key(k)) => Event::Key(k),
            Ok(crossterm::event::Event::Mouse(m)) => Event::Mouse(m),
            Ok(crossterm::event::Event::Resize(..)) => Event::Resize,
            Ok(_) => continue,
            Err(e) => {
                let _ = events.send(Event::InputGone(e.to_string()));
                return;
            }
        };
        if events.send(event).is_err() {
            return;
        }
    }
}
