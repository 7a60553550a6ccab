//! Which tabs a tabs line shows when they do not all fit: a run around the active one, with
//! room kept for the ‹ › markers that say more lie beyond. Pure, about widths only.

/// The first and one-past-last tab to show, given each tab's width, the active tab and the
/// room; a marker of `marker` cells is kept on each side that hides tabs.
pub fn window(widths: &[usize], active: usize, room: usize, marker: usize) -> (usize, usize) {
    let n = widths.len();
    if n == 0 {
        return (0, 0);
    }
    let active = active.min(n - 1);
    let cost = |start: usize, end: usize| -> usize {
        let markers = usize::from(start > 0) + usize::from(end < n);
        widths[start..end].iter().sum::<usize>() + markers * marker
    };
    let (mut start, mut end) = (active, active + 1);
    loop {
        // Rightwards first: the next tab is the likelier next press.
        if end < n && cost(start, end + 1) <= room {
            end += 1;
        } else if start > 0 && cost(start - 1, end) <= room {
            start -= 1;
        } else {
            break;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn all_show_when_they_fit() {
        assert_eq!(window(&[10, 10, 10], 1, 30, 2), (0, 3));
    }

    #[test]
    fn the_active_tab_always_shows_with_its_neighbours() {
        let w = [10; 9];
        assert_eq!(window(&w, 0, 40, 2), (0, 3));
        assert_eq!(window(&w, 8, 40, 2), (6, 9));
        assert_eq!(window(&w, 4, 40, 2), (4, 7));
        assert_eq!(window(&w, 4, 5, 2), (4, 5));
    }
}
