//! The fast path against the `csv` crate's reader: the same result on every input.

use super::fast::*;
use super::scan::*;
use super::*;
use proptest::prelude::*;

/// A field as exports and hand-edited files write it: mostly plain, sometimes not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop_oneof![Just("1"), Just("0"), Just("-1")].prop_map(String::from),
        4 => (0u32..5000).prop_map(|n| n.to_string()),
        1 => Just(String::new()),
        1 => prop_oneof![
            Just(" 1"), Just("+1"), Just("2"), Just("1.0"), Just("-0"), Just("\"1\""),
            Just("x"), Just("99999999999"), Just("-1.0"), Just("1\r"), Just("é"),
        ]
        .prop_map(String::from),
    ]
}

fn votes_file() -> impl Strategy<Value = String> {
    let row = (0i64..3_000_000_000_000, cell(), cell(), cell(), 0u8..20);
    (
        prop::collection::vec(row, 0..12),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rows, final_newline, blank, reordered)| {
            // Polis's column order (the fast path's straight code) or another one.
            let mut s = String::from(match reordered {
                false => "timestamp,datetime,comment-id,voter-id,vote",
                true => "vote,voter-id,timestamp,comment-id,datetime",
            });
            for (i, (t, c, p, v, quirk)) in rows.iter().enumerate() {
                s.push('\n');
                if blank && i == 1 {
                    s.push('\n');
                }
                let t = if *quirk == 0 {
                    format!(" {t}")
                } else {
                    t.to_string()
                };
                let extra = if *quirk == 1 { ",extra" } else { "" };
                let date = "Tue Jun 30 15:49:52 WIB 2015";
                s.push_str(&match reordered {
                    false => format!("{t},{date},{c},{p},{v}{extra}"),
                    true => format!("{v},{p},{t},{c},{date}{extra}"),
                });
            }
            if final_newline {
                s.push('\n');
            }
            s
        })
}

fn pv_file() -> impl Strategy<Value = String> {
    let row = (cell(), cell(), prop::collection::vec(cell(), 3));
    (prop::collection::vec(row, 0..10), any::<bool>()).prop_map(|(rows, final_newline)| {
        let mut s =
            String::from("participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,5");
        for (p, g, cells) in rows {
            s.push_str(&format!("\n{p},{g},0,0,0,0,{}", cells.join(",")));
        }
        if final_newline {
            s.push('\n');
        }
        s
    })
}

proptest! {
    #[test]
    fn delimiters_are_found_eight_bytes_at_a_time_exactly(
        data in prop::collection::vec(prop_oneof![Just(b','), Just(b'\n'), any::<u8>()], 0..100)
    ) {
        let found: Vec<usize> = Delimiters::new(&data).collect();
        let expected: Vec<usize> = data
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b',' || b == b'\n')
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn the_next_delimiter_is_found_eight_bytes_at_a_time_exactly(
        data in prop::collection::vec(
            prop_oneof![Just(b','), Just(b'\n'), b'0'..=b'9', any::<u8>()],
            0..60,
        ),
        at in 0usize..60,
    ) {
        let at = at.min(data.len());
        let expected = data[at..]
            .iter()
            .position(|&b| b == b',' || b == b'\n')
            .map_or(data.len(), |i| at + i);
        prop_assert_eq!(next_delimiter(&data, at), expected);
    }

    #[test]
    fn numbers_are_plain_decimals_of_at_most_18_digits(
        data in prop::collection::vec(
            prop_oneof![b'0'..=b'9', b'0'..=b'9', Just(b'-'), Just(b','), any::<u8>()],
            0..40,
        ),
        at in 0usize..40,
    ) {
        // A sign (for the time), then 1 to 18 digits; a u32 has no sign and must fit.
        let at = at.min(data.len());
        let run = |from: usize| data[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        let value = |from: usize, len: usize| {
            data[from..from + len].iter().fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'))
        };
        let negative = data.get(at) == Some(&b'-');
        let start = at + usize::from(negative);
        let len = run(start);
        let expected_i64 = (1..=18).contains(&len).then(|| {
            let n = value(start, len) as i64;
            (if negative { -n } else { n }, start + len)
        });
        prop_assert_eq!(scan_i64(&data, at), expected_i64);
        prop_assert_eq!(scan_time(&data, at), expected_i64);
        let len = run(at);
        let expected_u32 = (1..=18)
            .contains(&len)
            .then(|| u32::try_from(value(at, len)).ok().map(|n| (n, at + len)))
            .flatten();
        prop_assert_eq!(scan_u32(&data, at), expected_u32);
    }

    #[test]
    fn thirteen_digit_times_are_read_as_two_words_exactly(
        time in 0u64..10_000_000_000_000,
        next in prop_oneof![Just(b','), Just(b'\n'), b'0'..=b'9', any::<u8>()],
        tail in 0usize..3,
        poke in (0usize..13, any::<u8>()),
    ) {
        // 13 digits (leading zeros too), one byte after, maybe more; sometimes a digit broken.
        let mut data = format!("{time:013}").into_bytes();
        data.push(next);
        data.extend(std::iter::repeat_n(b'7', tail));
        if poke.1 % 3 == 0 {
            data[poke.0] = poke.1;
        }
        // A time may carry a sign: a '-' poked into the first byte makes a negative time of
        // the 12 digits after it (the test expected none, and failed on "-000000000000,").
        let negative = data[0] == b'-';
        let start = usize::from(negative);
        let run = data[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        let expected = (1..=18).contains(&run).then(|| {
            let n = data[start..start + run]
                .iter()
                .fold(0i64, |n, &b| n * 10 + i64::from(b - b'0'));
            (if negative { -n } else { n }, start + run)
        });
        prop_assert_eq!(scan_time(&data, 0), expected);
    }

    #[test]
    fn fast_votes_reader_agrees_with_the_csv_crate(file in votes_file(), negative in any::<bool>()) {
        let sign = if negative { VoteSign::AgreeNegative } else { VoteSign::Auto };
        let fast = parse_votes_bytes(file.as_bytes(), sign);
        let reference = parse_votes_csv_reference(file.as_bytes(), sign);
        prop_assert_eq!(format!("{fast:?}"), format!("{reference:?}"));
    }

    #[test]
    fn votes_read_in_pieces_are_the_votes_read_whole(
        file in votes_file(),
        trailing_blank in any::<bool>(),
        piece in 1usize..40,
        negative in any::<bool>(),
    ) {
        let sign = if negative { VoteSign::AgreeNegative } else { VoteSign::Auto };
        let file = if trailing_blank { format!("{file}\n\n") } else { file };
        let whole = fast_votes(file.as_bytes(), sign);
        let mut reader = Pieces { data: file.as_bytes(), piece };
        let read = fast_votes_read(&mut reader, file.len(), sign).expect("in memory");
        if let Some(events) = &read {
            prop_assert_eq!(Some(events), whole.as_ref());
        }
        // It leaves to the whole reader only what it must: a blank last line, no header line.
        if whole.is_some() && !file.ends_with("\n\n") && file.contains('\n') {
            prop_assert!(read.is_some());
        }
    }

    #[test]
    fn fast_participants_votes_reader_agrees_with_the_csv_crate(file in pv_file()) {
        let fast = participants_votes(file.as_bytes(), true);
        let reference = parse_participants_votes_reference(file.as_bytes());
        prop_assert_eq!(format!("{fast:?}"), format!("{reference:?}"));
        let groups_only = participants_votes(file.as_bytes(), false);
        let strip = |r: Result<Vec<ParticipantRow>, PolisError>| {
            r.map(|rows| rows.into_iter().map(|r| (r.participant, r.group)).collect::<Vec<_>>())
        };
        prop_assert_eq!(
            format!("{:?}", strip(groups_only)),
            format!("{:?}", strip(parse_participants_votes_reference(file.as_bytes())))
        );
    }
}

/// A reader that hands out at most `piece` bytes a read, as a slow file or pipe may.
struct Pieces<'a> {
    data: &'a [u8],
    piece: usize,
}

impl std::io::Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.piece.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn a_plain_file_takes_the_fast_path() {
    let file = "timestamp,datetime,comment-id,voter-id,vote\n5,x,1,2,-1\n6,y,1,3,0\n";
    assert!(fast_votes(file.as_bytes(), VoteSign::Auto).is_some());
    let quoted = "timestamp,datetime,comment-id,voter-id,vote\n5,\"x, y\",1,2,-1\n";
    assert!(fast_votes(quoted.as_bytes(), VoteSign::Auto).is_none());
    let (events, _) = parse_votes_bytes(quoted.as_bytes(), VoteSign::Auto).expect("reference");
    assert_eq!(events[0].participant, 2);
}
