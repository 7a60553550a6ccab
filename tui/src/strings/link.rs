//! The texts of the download-link popup.

use infogroups_shared::names::Lang;

/// A text of the link popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L {
    /// The popup's title.
    Title,
    /// The link's label.
    Link,
    /// The file's label.
    File,
    /// The expiry's label.
    ValidUntil,
    /// The label of what to do with it.
    HowToOpen,
    /// What to do with it.
    HowTo,
    /// The export form's choice: a file in the download folder.
    AsFile,
    /// The export form's choice: a link for a browser.
    AsLink,
}

impl L {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (ru, en) = match self {
            L::Title => ("Ссылка на скачивание", "Download link"),
            L::Link => ("Ссылка", "Link"),
            L::File => ("Файл", "File"),
            L::ValidUntil => ("Действует до", "Valid until"),
            L::AsFile => (
                "файлом в папку загрузок",
                "as a file in the download folder",
            ),
            L::AsLink => (
                "ссылкой для браузера своего компьютера",
                "as a link for your own computer's browser",
            ),
            L::HowToOpen => ("Как открыть", "How to open"),
            L::HowTo => (
                "в браузере своего компьютера, один раз",
                "in the browser of your own computer, once",
            ),
        };
        match lang {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }
}
