// Tests run the apps from sources the way `edx` does before a build (see bin/register-ts.js).
require('../../bin/register-ts');
