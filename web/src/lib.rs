use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <h1>{"Polyphony"}</h1> }
}

#[wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
