/** Tailwind CSS v3 config for PazPaz.
 *  Built by scripts/common.sh (ensure_frontend) and the Dockerfile:
 *    npx tailwindcss -c tailwind.config.js -i PazPaz/Styles/app.css -o PazPaz/wwwroot/css/app.css --minify
 *  No web fonts: the CSP allows no external hosts, so `sans` is the system UI stack.
 *  @type {import('tailwindcss').Config} */
const defaultTheme = require('tailwindcss/defaultTheme');

module.exports = {
  content: [
    './PazPaz/Pages/**/*.cshtml',
    './PazPaz/Api/**/*.cs',
    './PazPaz/wwwroot/js/**/*.js',
  ],
  // The component classes in PazPaz/Styles/app.css are always emitted, even before any page
  // uses them (or when the class name is built in C# outside the content globs).
  safelist: [
    'btn', 'btn-secondary', 'btn-danger',
    'input', 'label', 'field-error', 'card',
    'flash-success', 'flash-error', 'flash-info',
    'nav-link', 'nav-link-active', 'upload-progress',
    'input-validation-error',
  ],
  theme: {
    extend: {
      colors: {
        // Calm teal / sea-green.
        brand: {
          50: '#effaf8',
          100: '#d7f2ec',
          200: '#b1e4da',
          300: '#7fd0c1',
          400: '#4db4a4',
          500: '#2f998a',
          600: '#237b70',
          700: '#1f635b',
          800: '#1c504a',
          900: '#1a423e',
        },
      },
      fontFamily: {
        sans: [
          'system-ui',
          '-apple-system',
          '"Segoe UI"',
          'Roboto',
          '"Helvetica Neue"',
          '"Noto Sans"',
          '"Liberation Sans"',
          'Arial',
          'sans-serif',
          ...defaultTheme.fontFamily.sans.filter((f) => f.includes('Emoji')),
        ],
      },
    },
  },
  plugins: [require('@tailwindcss/forms')],
};
