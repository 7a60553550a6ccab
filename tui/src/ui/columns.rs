//! Choosing a table's column widths for the room there is: every column says how important it
//! is and how narrow and how wide it may be; the layout keeps the important ones, drops the rest
//! when they do not fit, and gives what is left over to the one column that tells rows apart.
//! Pure and about numbers only, so every list of every feature shares it.

/// What a column asks of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    /// Lower is more important; the least important columns drop first.
    pub priority: u8,
    /// Below this it is not worth showing.
    pub min: u16,
    /// More than this is wasted (its longest cell or header).
    pub max: u16,
    /// It takes the room the others leave (the subject or text of a row).
    pub grows: bool,
}

/// The width of each column (0 for a dropped one) in `width` cells, with `spacing` cells between
/// neighbouring columns shown.
///
/// Columns of priority 1 and above drop, least important first (the rightmost of equals first),
/// until the minimums fit; priority 0 never drops, and if even those do not fit the growing
/// column gives up its minimum instead. Then every column shown is widened towards its maximum,
/// most important first, and the growing one takes all that is left at the end.
pub fn fit(wants: &[Want], width: u16, spacing: u16) -> Vec<u16> {
    let mut shown: Vec<bool> = wants.iter().map(|w| w.max > 0).collect();
    let needed = |shown: &[bool]| -> u32 {
        let (sum, count) = wants
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .fold((0u32, 0u32), |(sum, n), (w, _)| {
                (sum + u32::from(w.min.min(w.max)), n + 1)
            });
        sum + u32::from(spacing) * count.saturating_sub(1)
    };
    while needed(&shown) > u32::from(width) {
        let drop = wants
            .iter()
            .enumerate()
            .filter(|(i, w)| shown[*i] && !w.grows && w.priority > 0)
            .max_by_key(|(i, w)| (w.priority, *i))
            .map(|(i, _)| i);
        match drop {
            Some(i) => shown[i] = false,
            None => break,
        }
    }
    let mut widths: Vec<u16> = wants
        .iter()
        .zip(&shown)
        .map(|(w, s)| if *s { w.min.min(w.max) } else { 0 })
        .collect();
    let growing = (0..wants.len()).find(|i| shown[*i] && wants[*i].grows);
    let needed = needed(&shown);
    if needed > u32::from(width) {
        if let Some(g) = growing {
            let over = u16::try_from(needed - u32::from(width)).unwrap_or(u16::MAX);
            widths[g] = widths[g].saturating_sub(over);
        }
        return widths;
    }
    let mut free = width - u16::try_from(needed).unwrap_or(width);
    let mut order: Vec<usize> = (0..wants.len())
        .filter(|i| shown[*i] && !wants[*i].grows)
        .collect();
    order.sort_by_key(|i| (wants[*i].priority, *i));
    for i in order {
        let more = wants[i].max.saturating_sub(widths[i]).min(free);
        widths[i] += more;
        free -= more;
    }
    if let Some(g) = growing {
        widths[g] += free;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::{Want, fit};

    const fn want(priority: u8, min: u16, max: u16) -> Want {
        Want {
            priority,
            min,
            max,
            grows: false,
        }
    }

    const fn grows(priority: u8, min: u16) -> Want {
        Want {
            priority,
            min,
            max: u16::MAX,
            grows: true,
        }
    }

    #[test]
    fn the_growing_column_takes_what_is_left() {
        let w = fit(&[want(0, 10, 10), want(1, 8, 12), grows(0, 20)], 80, 1);
        assert_eq!(w, vec![10, 12, 56]);
        assert_eq!(w.iter().sum::<u16>() + 2, 80);
    }

    #[test]
    fn the_least_important_column_drops_first() {
        let wants = [
            want(0, 10, 10),
            want(2, 15, 15),
            want(1, 12, 16),
            grows(0, 30),
        ];
        assert_eq!(fit(&wants, 60, 1), vec![10, 0, 16, 32]);
        assert_eq!(fit(&wants, 52, 1), vec![10, 0, 0, 41]);
        assert_eq!(fit(&wants, 40, 1), vec![10, 0, 0, 29]);
    }

    #[test]
    fn equals_drop_from_the_right() {
        let wants = [want(1, 10, 10), want(1, 10, 10), grows(0, 10)];
        assert_eq!(fit(&wants, 25, 1), vec![10, 0, 14]);
    }

    #[test]
    fn important_columns_widen_before_the_others() {
        let wants = [want(1, 5, 20), want(0, 5, 20), grows(0, 10)];
        assert_eq!(fit(&wants, 40, 1), vec![8, 20, 10]);
    }

    #[test]
    fn an_empty_column_never_shows() {
        assert_eq!(fit(&[want(0, 5, 0), grows(0, 5)], 20, 1), vec![0, 20]);
    }

    #[test]
    fn the_row_fills_the_room_exactly() {
        for width in 12..160 {
            let wants = [
                want(0, 10, 10),
                want(1, 8, 30),
                want(2, 14, 22),
                grows(0, 20),
            ];
            let w = fit(&wants, width, 1);
            let shown = w.iter().filter(|w| **w > 0).count();
            let total = w.iter().sum::<u16>() + u16::try_from(shown - 1).unwrap_or(0);
            assert_eq!(total, width, "{w:?}");
        }
    }
}
