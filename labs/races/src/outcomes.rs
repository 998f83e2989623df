//! Every outcome a bank program allows, worked out by trying every order:
//! the sets the experiments check each run against and the tests assert on
//! (never on how often an outcome came up).
//!
//! Not a listing: the book does not show this module.

use std::collections::BTreeSet;

/// Every final balance some queue order gives when each withdrawal checks
/// and subtracts in one indivisible step (under a lock, or with
/// `fetch_update`): the customers go one at a time, in any order.
pub fn one_at_a_time(opening: i64, amounts: &[i64]) -> BTreeSet<i64> {
    fn visit(balance: i64, left: &mut Vec<i64>, out: &mut BTreeSet<i64>) {
        if left.is_empty() {
            out.insert(balance);
        }
        for i in 0..left.len() {
            let amount = left.remove(i);
            let next = if balance >= amount {
                balance - amount
            } else {
                balance
            };
            visit(next, left, out);
            left.insert(i, amount);
        }
    }
    let mut out = BTreeSet::new();
    visit(opening, &mut amounts.to_vec(), &mut out);
    out
}

/// Where one customer of the check-then-act bank is.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// Has not looked at the balance yet.
    ToCheck,
    /// Saw enough money; will subtract.
    ToAct,
    Done,
}

/// Every final balance the check-then-act bank can end at: each customer
/// checks, then (if the check passed) subtracts, and the steps of different
/// customers interleave in every possible way.
pub fn check_then_act(opening: i64, amounts: &[i64]) -> BTreeSet<i64> {
    fn visit(balance: i64, amounts: &[i64], steps: &mut [Step], out: &mut BTreeSet<i64>) {
        if steps.iter().all(|s| *s == Step::Done) {
            out.insert(balance);
            return;
        }
        for i in 0..steps.len() {
            let before = steps[i];
            let after_balance = match before {
                Step::ToCheck => {
                    steps[i] = if balance >= amounts[i] {
                        Step::ToAct
                    } else {
                        Step::Done
                    };
                    balance
                }
                Step::ToAct => {
                    steps[i] = Step::Done;
                    balance - amounts[i]
                }
                Step::Done => continue,
            };
            visit(after_balance, amounts, steps, out);
            steps[i] = before;
        }
    }
    let mut out = BTreeSet::new();
    visit(
        opening,
        amounts,
        &mut vec![Step::ToCheck; amounts.len()],
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorials_account() {
        assert_eq!(
            one_at_a_time(100, &[80, 70, 50, 20]),
            BTreeSet::from([0, 10, 30])
        );
        assert_eq!(one_at_a_time(100, &[150]), BTreeSet::from([100]));
        // Worked out by hand and by an independent Python enumeration.
        assert_eq!(
            check_then_act(100, &[80, 70, 50, 20]),
            BTreeSet::from([-120, -100, -70, -50, -40, -30, -20, 0, 10, 30])
        );
    }

    #[test]
    fn one_at_a_time_is_one_of_the_interleavings() {
        for (opening, amounts) in [
            (100, vec![80, 70, 50, 20]),
            (50, vec![30, 40]),
            (10, vec![20]),
        ] {
            assert!(one_at_a_time(opening, &amounts).is_subset(&check_then_act(opening, &amounts)));
        }
    }
}
