//! The CSV oracle: the file parses with the `csv` crate as a rectangular table, and no cell
//! would start a formula in a spreadsheet (OWASP "CSV Injection"): none begins with `=`, `+`,
//! `-`, `@`, tab or CR, unless it is a plain number in a column the writer fills with numbers
//! (`founded`, `composite_*`, `score_*`), where `-3` means minus three. A neutralised cell
//! begins with `'` and so passes.

/// `(syntax problems, formula cells)` of one CSV file.
pub fn check(text: &str) -> (Vec<String>, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(text.as_bytes());
    let (mut syntax, mut formulas) = (Vec::new(), Vec::new());
    let mut header: Vec<String> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                syntax.push(format!("CSV error: {e}"));
                break;
            }
        };
        if i == 0 {
            header = record.iter().map(str::to_string).collect();
        }
        for (col, cell) in record.iter().enumerate() {
            let column = header.get(col).map(String::as_str).unwrap_or("");
            if starts_formula(cell) && !(is_numeric_column(column) && is_plain_number(cell)) {
                formulas.push(format!(
                    "row {}, column `{column}`: cell starts a formula: {:?}",
                    i + 1,
                    cell.chars().take(40).collect::<String>()
                ));
            }
        }
    }
    (syntax, formulas)
}

fn starts_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Columns whose cells the CSV writer fills from numbers, never from content text.
fn is_numeric_column(name: &str) -> bool {
    name == "founded" || name.starts_with("composite_") || name.starts_with("score_")
}

/// `-3`, `+2.5`: a sign, digits, at most one decimal point; nothing a spreadsheet evaluates.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_found_outside_numeric_columns() {
        let csv = "name,founded,score_x\r\n=1+1,-3,-2.5\r\n'=neutral,2020,+4\r\n";
        let (syntax, formulas) = check(csv);
        assert!(syntax.is_empty());
        assert_eq!(formulas.len(), 1, "{formulas:?}");
        assert!(formulas[0].contains("column `name`"));
        let (_, formulas) = check("founded\r\n-1+cmd|x\r\n@SUM(A1)\r\n");
        assert_eq!(formulas.len(), 2, "{formulas:?}");
    }

    #[test]
    fn ragged_tables_are_syntax_errors() {
        assert_eq!(check("a,b\r\n1\r\n").0.len(), 1);
    }
}
