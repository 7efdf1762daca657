import { mount } from 'svelte';
import App from './App.svelte';
import './styles/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html needs an element with id "app" to mount SDE Studio into');

export default mount(App, { target });
