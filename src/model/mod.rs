//! Wire types shared by the server and the client: what travels over HTTP as JSON.
//! No I/O and no framework types beyond the serde and OpenAPI derives.

mod api_key;
mod audit;
mod channel_document;
mod dealer;
mod error;
mod group;
mod ids;
mod impact;
mod object;
mod page;
mod permission;
mod policy;
mod rate_card;
mod refusal;
mod session;
mod tenant;
mod user;

pub use api_key::*;
pub use audit::*;
pub use channel_document::*;
pub use dealer::*;
pub use error::*;
pub use group::*;
pub use ids::*;
pub use impact::*;
pub use object::*;
pub use page::*;
pub use permission::*;
pub use policy::*;
pub use rate_card::*;
pub use refusal::*;
pub use session::*;
pub use tenant::*;
pub use user::*;
