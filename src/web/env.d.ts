// Vite handles CSS imports in the dashboard build.
declare module '*.css';
