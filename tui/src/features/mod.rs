//! The features, one folder each: its list, its detail and its forms. A feature builds on `ui`
//! (the components, the form engine) and on the data below it (`msg`, `replica`, `strings`),
//! never on `app` or `net`: it says what to ask, the app and the network do it.
//! A screen opens a feature's form by building its `FormSpec` type. [`record_list`] is the list
//! tab every record feature plugs into and [`workspace`] puts a role's tabs together.

pub mod appeals;
pub mod assignments;
pub mod attachments;
pub mod directory;
pub mod drafts;
pub mod exports;
pub mod groups;
pub mod login;
pub mod meetings;
pub mod notifications;
pub mod people;
pub mod record_list;
pub mod reports;
pub mod view_log;
pub mod workspace;
