//! The QR code the projector shows.

use yew::prelude::*;

/// `url` as an inline SVG QR code (nothing if it does not fit in a QR code).
pub fn qr_svg(url: &str) -> Html {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(360, 360)
                .quiet_zone(true)
                .build();
            Html::from_html_unchecked(AttrValue::from(svg))
        }
        Err(_) => html! {},
    }
}
